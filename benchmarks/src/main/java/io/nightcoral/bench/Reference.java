package io.nightcoral.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sqlite.SQLiteConfig;

/**
 * What the disk and SQLite allow right now, without NightCoral: the store's own schema and insert
 * statement on a plain JDBC connection with the store's settings (WAL, synchronous=FULL), committed
 * one row at a time and 1,000 rows at a time. On a shared machine these move with the load, so they
 * are the yardstick for add1, add8 and addAll in the same run.
 */
final class Reference {
  private static final String SCHEMA = "io/nightcoral/internal/store/sqlite/schema-%d.sql";
  private static final String INSERT =
      "INSERT INTO jobs (payload, due_at, created_at, job_key, priority) VALUES (?, ?, ?, NULL, 0)"
          + " ON CONFLICT (job_key) WHERE job_key IS NOT NULL DO NOTHING RETURNING id";
  private static final String PAYLOAD = "{\"task\":\"noop\",\"a\":0,\"b\":0}";
  private static final int SINGLE_ROWS = Workload.scaled(5_000, 100);
  private static final int BATCH = 1_000;
  private static final int BATCHES = Workload.scaled(100, 2);

  /** Single-row commits per second: the yardstick of add1 and add8. */
  static final Metric SINGLE =
      new Metric("ref: bare SQLite, 1 row per commit", "jobs/s", Target.none());

  /** Rows per second in commits of 1,000: the yardstick of addAll. */
  static final Metric BATCHED =
      new Metric("ref: bare SQLite, 1,000 rows per commit", "jobs/s", Target.none());

  private Reference() {}

  static Scenario sqlite() {
    Metric single = SINGLE;
    Metric batched = BATCHED;
    return new Scenario(
        "sqlite",
        "reference without NightCoral: the store's INSERT on plain JDBC (WAL, FULL), "
            + SINGLE_ROWS
            + " single-row commits, then "
            + BATCHES
            + " commits of "
            + BATCH
            + " rows",
        List.of(single, batched),
        trial -> {
          SQLiteConfig config = new SQLiteConfig();
          config.setJournalMode(SQLiteConfig.JournalMode.WAL);
          config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
          try (Connection db =
              config.createConnection("jdbc:sqlite:" + trial.dir().resolve("ref.db"))) {
            db.setAutoCommit(false);
            try (Statement st = db.createStatement()) {
              for (String sql : schema()) {
                st.executeUpdate(sql);
              }
            }
            db.commit();
            try (PreparedStatement insert = db.prepareStatement(INSERT)) {
              insertRows(db, insert, SINGLE_ROWS / 10, 1);
              long start = System.nanoTime();
              insertRows(db, insert, SINGLE_ROWS, 1);
              trial.record(single, Samples.perSecond(SINGLE_ROWS, System.nanoTime() - start));
              start = System.nanoTime();
              insertRows(db, insert, BATCHES * BATCH, BATCH);
              trial.record(
                  batched, Samples.perSecond((long) BATCHES * BATCH, System.nanoTime() - start));
            }
          }
        });
  }

  private static void insertRows(Connection db, PreparedStatement insert, int rows, int perCommit)
      throws SQLException {
    for (int i = 1; i <= rows; i++) {
      insert.setString(1, PAYLOAD);
      long now = System.currentTimeMillis();
      insert.setLong(2, now);
      insert.setLong(3, now);
      try (ResultSet rs = insert.executeQuery()) {
        rs.next();
        rs.getLong(1);
      }
      if (i % perCommit == 0) {
        db.commit();
      }
    }
    db.commit();
  }

  /**
   * The coordinator's schema as a new store creates it: every version's script from its jar, in
   * order, one statement per entry.
   */
  private static List<String> schema() throws IOException {
    List<String> statements = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = String.format(Locale.ROOT, SCHEMA, version);
      String text;
      try (InputStream in = Reference.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          if (version == 1) {
            throw new IOException("the coordinator's schema resource " + resource + " is missing");
          }
          return statements;
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      StringBuilder kept = new StringBuilder();
      for (String line : text.split("\n")) {
        if (!line.strip().startsWith("--")) {
          kept.append(line).append('\n');
        }
      }
      List.of(kept.toString().split(";\\s*\n")).stream()
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(statements::add);
    }
  }
}
