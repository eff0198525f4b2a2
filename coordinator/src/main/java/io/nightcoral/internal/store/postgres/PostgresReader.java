package io.nightcoral.internal.store.postgres;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.JobQuery;
import io.nightcoral.internal.store.ListedJob;
import io.nightcoral.internal.store.ScheduleRow;
import io.nightcoral.internal.store.StoreCounts;
import io.nightcoral.internal.store.StoreReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Inspection queries on a PostgreSQL database, each in a read-only transaction of its own on a
 * connection of the reader's (MVCC: it never blocks the coordinators). Thread-safe (one query at a
 * time).
 */
public final class PostgresReader implements StoreReader {
  private final Connection db;
  private final boolean owned;

  private PostgresReader(Connection db, boolean owned) {
    this.db = db;
    this.owned = owned;
  }

  /** A reader on a store's own connection, used by the thread that owns it. */
  static PostgresReader sharing(Connection db) {
    return new PostgresReader(db, false);
  }

  /**
   * Opens a reader on the database behind {@code connector}, which must hold NightCoral's tables.
   */
  public static PostgresReader open(Connector connector) {
    try {
      Connection db = connector.connect();
      try {
        db.setAutoCommit(true);
        db.setReadOnly(true);
        try (PreparedStatement st =
                db.prepareStatement(
                    "SELECT CASE WHEN to_regclass('nightcoral_schema') IS NULL THEN 0"
                        + " ELSE (SELECT max(version) FROM nightcoral_schema) END");
            ResultSet rs = st.executeQuery()) {
          rs.next();
          int version = rs.getInt(1);
          if (version != PostgresJobStore.SCHEMA_VERSION) {
            throw new EngineException(
                "database "
                    + connector.name()
                    + (version == 0
                        ? " holds no NightCoral tables"
                        : " has NightCoral schema version "
                            + version
                            + "; this NightCoral reads version "
                            + PostgresJobStore.SCHEMA_VERSION));
          }
        }
        return new PostgresReader(db, true);
      } catch (SQLException | RuntimeException e) {
        db.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new EngineException(
          "cannot read database " + connector.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<ListedJob> jobs(JobQuery q) throws SQLException {
    return PostgresJobStore.QUERIES.jobs(db, q);
  }

  @Override
  public synchronized List<DeadRow> deadJobs() throws SQLException {
    return PostgresJobStore.QUERIES.deadJobs(db);
  }

  @Override
  public synchronized List<ScheduleRow> schedules() throws SQLException {
    return PostgresJobStore.QUERIES.schedules(db);
  }

  @Override
  public synchronized StoreCounts counts(long now) throws SQLException {
    return PostgresJobStore.QUERIES.counts(db, now);
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
