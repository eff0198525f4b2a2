package io.nightcoral.internal.store.sqlite;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.JobQuery;
import io.nightcoral.internal.store.ListedJob;
import io.nightcoral.internal.store.ScheduleRow;
import io.nightcoral.internal.store.StoreCounts;
import io.nightcoral.internal.store.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * A read-only connection to a NightCoral database, for inspection: a WAL reader that never blocks
 * the writer, so it works while a server holds the database, and never holds up its commits. Each
 * query runs in a transaction of its own. Thread-safe (one query at a time).
 */
public final class SqliteReader implements StoreReader {
  private final Connection db;
  private final boolean owned;

  private SqliteReader(Connection db, boolean owned) {
    this.db = db;
    this.owned = owned;
  }

  /**
   * A reader on a store's own connection, used by the thread that owns it (in-memory databases).
   */
  static SqliteReader sharing(Connection db) {
    return new SqliteReader(db, false);
  }

  /** Opens {@code database} read-only; it must be a NightCoral database this code can read. */
  public static SqliteReader open(Path database) {
    if (!Files.isRegularFile(database)) {
      throw new EngineException("database " + database + " does not exist");
    }
    SqliteJobStore.inspect(database, database.toString());
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5_000);
    try {
      Connection db = config.createConnection("jdbc:sqlite:" + database);
      try (var st = db.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        if (rs.getInt(1) != SqliteJobStore.SCHEMA_VERSION) {
          db.close();
          throw new EngineException(
              "database "
                  + database
                  + " has schema version "
                  + rs.getInt(1)
                  + "; open it once with this NightCoral to upgrade it");
        }
      }
      return new SqliteReader(db, true);
    } catch (SQLException e) {
      throw new EngineException("cannot read database " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<ListedJob> jobs(JobQuery q) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, payload, due_at, created_at, attempts, priority, job_key, last_error"
                + " FROM jobs WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if ("due".equals(q.state())) {
      sql.append(" AND due_at <= ?");
      args.add(q.now());
    } else if ("timer".equals(q.state())) {
      sql.append(" AND due_at > ? AND last_error IS NULL");
      args.add(q.now());
    } else if ("retrying".equals(q.state())) {
      sql.append(" AND due_at > ? AND last_error IS NOT NULL");
      args.add(q.now());
    }
    if (q.key() != null) {
      sql.append(" AND job_key = ?");
      args.add(q.key());
    }
    if (q.priority() != null) {
      sql.append(" AND priority = ?");
      args.add(q.priority());
    }
    if (q.after() != 0) {
      sql.append(q.newestFirst() ? " AND id < ?" : " AND id > ?");
      args.add(q.after());
    }
    sql.append(q.newestFirst() ? " ORDER BY id DESC" : " ORDER BY id").append(" LIMIT ?");
    args.add(q.limit());
    List<ListedJob> jobs = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          jobs.add(
              new ListedJob(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getInt(5),
                  rs.getInt(6),
                  rs.getString(7),
                  rs.getString(8)));
        }
      }
    }
    return jobs;
  }

  @Override
  public synchronized List<DeadRow> deadJobs() throws SQLException {
    return SqliteJobStore.deadJobs(db);
  }

  @Override
  public synchronized List<ScheduleRow> schedules() throws SQLException {
    return SqliteJobStore.schedules(db);
  }

  @Override
  public synchronized StoreCounts counts(long now) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT (SELECT count(*) FROM jobs WHERE due_at <= ?),"
                + " (SELECT count(*) FROM jobs WHERE due_at > ? AND last_error IS NULL),"
                + " (SELECT count(*) FROM jobs WHERE due_at > ? AND last_error IS NOT NULL),"
                + " (SELECT count(*) FROM dead_jobs), (SELECT count(*) FROM schedules)")) {
      st.setLong(1, now);
      st.setLong(2, now);
      st.setLong(3, now);
      try (ResultSet rs = st.executeQuery()) {
        return new StoreCounts(
            rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
      }
    }
  }

  @Override
  public synchronized void close() {
    if (!owned) {
      return;
    }
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }
}
