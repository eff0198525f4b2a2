package io.nightcoral.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The queries both stores write alike, on tables whose names start with a prefix (none on SQLite,
 * {@code nightcoral_} on PostgreSQL): the pages of jobs, the dead jobs, the schedules and the
 * counts that inspection reads.
 */
public final class Queries {
  /** The schedule columns, in the order {@link #scheduleRows} reads them. */
  public static final String SCHEDULE_COLUMNS =
      "name, spec, payload, next_run, last_run, last_job, skipped";

  private final String jobs;
  private final String deadJobs;
  private final String schedules;

  /** The queries on the tables named {@code prefix + "jobs"} and so on. */
  public Queries(String prefix) {
    this.jobs = prefix + "jobs";
    this.deadJobs = prefix + "dead_jobs";
    this.schedules = prefix + "schedules";
  }

  /** A page of unfinished jobs as {@code q} asks, as of {@code q.now()}. */
  public List<ListedJob> jobs(Connection db, JobQuery q) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, payload, due_at, created_at, attempts, priority, job_key, last_error FROM "
                + jobs
                + " WHERE 1 = 1");
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
    List<ListedJob> page = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          page.add(
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
    return page;
  }

  /** Every dead job, oldest death first. */
  public List<DeadRow> deadJobs(Connection db) throws SQLException {
    List<DeadRow> rows = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, payload, attempts, last_error, died_at, job_key, priority FROM "
                    + deadJobs
                    + " ORDER BY died_at, id")) {
      while (rs.next()) {
        rows.add(
            new DeadRow(
                rs.getLong(1),
                rs.getString(2),
                rs.getInt(3),
                rs.getString(4),
                rs.getLong(5),
                rs.getString(6),
                rs.getInt(7)));
      }
    }
    return rows;
  }

  /** Every schedule, by name. */
  public List<ScheduleRow> schedules(Connection db) throws SQLException {
    return scheduleRows(db, "SELECT " + SCHEDULE_COLUMNS + " FROM " + schedules + " ORDER BY name");
  }

  /** How many jobs are due, waiting as timers, waiting to retry, dead, and how many schedules. */
  public StoreCounts counts(Connection db, long now) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT (SELECT count(*) FROM "
                + jobs
                + " WHERE due_at <= ?), (SELECT count(*) FROM "
                + jobs
                + " WHERE due_at > ? AND last_error IS NULL), (SELECT count(*) FROM "
                + jobs
                + " WHERE due_at > ? AND last_error IS NOT NULL), (SELECT count(*) FROM "
                + deadJobs
                + "), (SELECT count(*) FROM "
                + schedules
                + ")")) {
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

  /** The schedules {@code sql} selects ({@link #SCHEDULE_COLUMNS}) with {@code parameters}. */
  public static List<ScheduleRow> scheduleRows(Connection db, String sql, Object... parameters)
      throws SQLException {
    List<ScheduleRow> rows = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        st.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long lastRun = rs.getLong(5);
          if (rs.wasNull()) {
            lastRun = Long.MIN_VALUE;
          }
          rows.add(
              new ScheduleRow(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  lastRun,
                  rs.getLong(6),
                  rs.getLong(7)));
        }
      }
    }
    return rows;
  }
}
