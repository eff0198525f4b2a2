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
import java.util.ArrayList;
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
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, payload, due_at, created_at, attempts, priority, job_key, last_error"
                + " FROM nightcoral_jobs WHERE 1 = 1");
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
    return PostgresJobStore.deadJobs(db);
  }

  @Override
  public synchronized List<ScheduleRow> schedules() throws SQLException {
    return PostgresJobStore.schedules(db);
  }

  @Override
  public synchronized StoreCounts counts(long now) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT (SELECT count(*) FROM nightcoral_jobs WHERE due_at <= ?),"
                + " (SELECT count(*) FROM nightcoral_jobs WHERE due_at > ? AND last_error IS NULL),"
                + " (SELECT count(*) FROM nightcoral_jobs"
                + " WHERE due_at > ? AND last_error IS NOT NULL),"
                + " (SELECT count(*) FROM nightcoral_dead_jobs),"
                + " (SELECT count(*) FROM nightcoral_schedules)")) {
      st.setLong(1, now);
      st.setLong(2, now);
      st.setLong(3, now);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
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
