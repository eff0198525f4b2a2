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
import java.sql.ResultSet;
import java.sql.SQLException;
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
    return SqliteJobStore.QUERIES.jobs(db, q);
  }

  @Override
  public synchronized List<DeadRow> deadJobs() throws SQLException {
    return SqliteJobStore.QUERIES.deadJobs(db);
  }

  @Override
  public synchronized List<ScheduleRow> schedules() throws SQLException {
    return SqliteJobStore.QUERIES.schedules(db);
  }

  @Override
  public synchronized StoreCounts counts(long now) throws SQLException {
    return SqliteJobStore.QUERIES.counts(db, now);
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
