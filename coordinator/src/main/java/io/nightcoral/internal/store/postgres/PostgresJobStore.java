package io.nightcoral.internal.store.postgres;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.Inserted;
import io.nightcoral.internal.store.JobRow;
import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.Notice;
import io.nightcoral.internal.store.Queries;
import io.nightcoral.internal.store.ReplyRow;
import io.nightcoral.internal.store.ScheduleRow;
import io.nightcoral.internal.store.StoreReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of NightCoral's SQL on PostgreSQL: one connection used by the queue's thread, in transactions
 * the caller ends with {@link #commit()} or {@link #rollback()}, shared with the other coordinators
 * on the database.
 *
 * <p>Sharing: {@link #loadDue} claims the jobs it returns ({@code claimed_by}, taken with {@code
 * FOR UPDATE SKIP LOCKED}), so a job goes to one coordinator; {@link #release} gives claims back.
 * Each coordinator renews a lease (a row of {@code nightcoral_nodes}, on the database's clock); the
 * claims of one whose lease lapsed go back to the queue, its started attempts counted. Schedules
 * fire under their row's lock. A commit that stored due jobs, timers, schedule changes or replies
 * tells the others with {@code pg_notify}, which {@link PostgresListener} hears.
 */
public final class PostgresJobStore implements JobStore {
  /** The queries this store shares with the other kind of store. */
  static final Queries QUERIES = new Queries("nightcoral_");

  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  /** The schema version this code reads and writes ({@code nightcoral_schema.version}). */
  public static final int SCHEMA_VERSION = 1;

  /** The channel of {@code LISTEN/NOTIFY}. */
  static final String CHANNEL = "nightcoral";

  private static final long MIGRATION_LOCK = 0x4E43_4D49_4752_4154L;
  private static final long SWEEP_LOCK = 0x4E43_5357_4545_5000L;
  private static final String DB_MILLIS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

  private final Connector connector;
  private final String name;
  private final String node;
  private Connection db;
  private final List<Long> finished = new ArrayList<>();
  private final List<Long> started = new ArrayList<>();
  private Savepoint savepoint;
  private PostgresListener listener;

  // what this transaction tells the others at commit
  private boolean noticeDue;
  private long noticeTimer = Long.MAX_VALUE;
  private boolean noticeSchedule;
  private final Set<String> noticeReplies = new HashSet<>();

  private PreparedStatement insert;
  private PreparedStatement findByKey;
  private PreparedStatement claim;
  private PreparedStatement notify;

  private PostgresJobStore(Connector connector, String node) {
    this.connector = connector;
    this.name = connector.name();
    this.node = node;
  }

  /**
   * Opens the database behind {@code connector}, creates or upgrades its schema (once, however many
   * coordinators start together), and registers this coordinator with a fresh lease.
   */
  public static PostgresJobStore open(Connector connector) {
    PostgresJobStore store = new PostgresJobStore(connector, newNodeId());
    try {
      store.connect();
      store.migrate();
      store.register();
      return store;
    } catch (SQLException e) {
      store.closeConnection();
      throw new EngineException("cannot open database " + store.name + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      store.closeConnection();
      throw e;
    }
  }

  private static String newNodeId() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "host" : host)
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  private void connect() throws SQLException {
    db = connector.connect();
    db.setAutoCommit(false);
    db.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    try (Statement st = db.createStatement()) {
      st.execute("SET synchronous_commit TO on"); // a commit is durable before add returns
    }
    db.commit();
    insert =
        db.prepareStatement(
            "INSERT INTO nightcoral_jobs"
                + " (payload, due_at, created_at, job_key, priority, reply_to)"
                + " VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (job_key) WHERE job_key IS NOT NULL DO NOTHING RETURNING id");
    findByKey = db.prepareStatement("SELECT id FROM nightcoral_jobs WHERE job_key = ?");
    claim =
        db.prepareStatement(
            "UPDATE nightcoral_jobs j SET claimed_by = ? FROM (SELECT id FROM nightcoral_jobs"
                + " WHERE claimed_by IS NULL AND due_at <= ?"
                + " ORDER BY priority DESC, due_at, id LIMIT ? FOR UPDATE SKIP LOCKED) c"
                + " WHERE j.id = c.id RETURNING j.id, j.payload, j.due_at, j.created_at,"
                + " j.attempts, j.priority, j.reply_to");
    notify = db.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)");
  }

  private void migrate() throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      int version = 0;
      if (tableExists("nightcoral_schema")) {
        try (ResultSet rs = st.executeQuery("SELECT max(version) FROM nightcoral_schema")) {
          rs.next();
          version = rs.getInt(1);
        }
      } else if (tableExists("nightcoral_jobs")) {
        throw new EngineException(
            "database " + name + " has a nightcoral_jobs table but no schema version; left alone");
      }
      if (version > SCHEMA_VERSION) {
        throw new EngineException(
            "database "
                + name
                + " has NightCoral schema version "
                + version
                + ", newer than this NightCoral understands ("
                + SCHEMA_VERSION
                + "); it was left untouched");
      }
      for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
        for (String sql : schemaStatements(next)) {
          st.executeUpdate(sql);
        }
      }
      if (version < SCHEMA_VERSION) {
        st.executeUpdate("UPDATE nightcoral_schema SET version = " + SCHEMA_VERSION);
      }
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    }
    db.commit();
  }

  private boolean tableExists(String table) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      st.setString(1, table);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static List<String> schemaStatements(int version) {
    String text;
    try (InputStream in =
        PostgresJobStore.class.getResourceAsStream("schema-" + version + ".sql")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("schema resource missing", e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        statements.add(current.toString());
        current.setLength(0);
      }
    }
    return statements;
  }

  private void register() throws SQLException {
    renewOwnLease();
    db.commit();
  }

  private void renewOwnLease() throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO nightcoral_nodes (node, started_at, renewed_at) VALUES (?, "
                + DB_MILLIS
                + ", "
                + DB_MILLIS
                + ") ON CONFLICT (node) DO UPDATE SET renewed_at = EXCLUDED.renewed_at")) {
      st.setString(1, node);
      st.executeUpdate();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public Inserted insert(
      String payload, long dueAt, long now, String key, int priority, boolean awaited)
      throws SQLException {
    for (int tries = 0; ; tries++) {
      insert.setString(1, payload);
      insert.setLong(2, dueAt);
      insert.setLong(3, now);
      insert.setString(4, key);
      insert.setInt(5, priority);
      insert.setString(6, awaited ? node : null);
      try (ResultSet rs = insert.executeQuery()) {
        if (rs.next()) {
          if (dueAt <= now) {
            noticeDue = true;
          } else {
            noticeTimer = Math.min(noticeTimer, dueAt);
          }
          return new Inserted(rs.getLong(1), true);
        }
      }
      findByKey.setString(1, key); // the key is taken: the job that has it
      try (ResultSet rs = findByKey.executeQuery()) {
        if (rs.next()) {
          return new Inserted(rs.getLong(1), false);
        }
      }
      if (tries >= 10) { // the job holding it finished in between, again and again
        throw new SQLException("cannot insert a job with key " + key + ": it keeps changing hands");
      }
    }
  }

  @Override
  public void release(Collection<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement st =
        db.prepareStatement(
            "UPDATE nightcoral_jobs SET claimed_by = NULL, running = FALSE"
                + " WHERE id = ANY(?) AND claimed_by = ?")) {
      st.setArray(1, longs(ids));
      st.setString(2, node);
      if (st.executeUpdate() > 0) {
        noticeDue = true;
      }
    }
  }

  @Override
  public void sendReply(String toNode, ReplyRow reply) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO nightcoral_replies (node, job_id, failed, payload, error_class,"
                + " error_message, error_stack) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, toNode);
      st.setLong(2, reply.jobId());
      st.setBoolean(3, reply.failed());
      st.setString(4, reply.payload());
      st.setString(5, reply.errorClass());
      st.setString(6, reply.errorMessage());
      st.setString(7, reply.errorStack());
      st.executeUpdate();
    }
    noticeReplies.add(toNode);
  }

  @Override
  public List<ReplyRow> takeReplies() throws SQLException {
    List<ReplyRow> rows = new ArrayList<>();
    try (PreparedStatement st =
        db.prepareStatement(
            "DELETE FROM nightcoral_replies WHERE node = ? RETURNING job_id, failed, payload,"
                + " error_class, error_message, error_stack")) {
      st.setString(1, node);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new ReplyRow(
                  rs.getLong(1),
                  rs.getBoolean(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
    }
    return rows;
  }

  /**
   * Renews this coordinator's lease; one coordinator at a time (the others skip it) then forgets
   * the coordinators whose lease lapsed more than {@code leaseMillis} ago (on the database's clock)
   * with the replies waiting for them, and gives their claims back: a job they had started keeps
   * the attempt it counted, and notes why it ran again.
   */
  @Override
  public int renewLease(long now, long leaseMillis) throws SQLException {
    renewOwnLease();
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_try_advisory_xact_lock(" + SWEEP_LOCK + ")")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return 0; // another coordinator sweeps now
      }
    }
    try (PreparedStatement st =
        db.prepareStatement(
            "DELETE FROM nightcoral_nodes WHERE renewed_at < "
                + DB_MILLIS
                + " - ? AND node <> ?")) {
      st.setLong(1, leaseMillis);
      st.setString(2, node);
      st.executeUpdate();
    }
    int returned;
    try (Statement st = db.createStatement()) {
      st.executeUpdate(
          "DELETE FROM nightcoral_replies WHERE node NOT IN (SELECT node FROM nightcoral_nodes)");
      returned =
          st.executeUpdate(
              "UPDATE nightcoral_jobs SET last_error = CASE WHEN running THEN 'coordinator '"
                  + " || claimed_by || ' lost its lease while the job ran' ELSE last_error END,"
                  + " claimed_by = NULL, running = FALSE WHERE claimed_by IS NOT NULL"
                  + " AND claimed_by NOT IN (SELECT node FROM nightcoral_nodes)");
    }
    if (returned > 0) {
      noticeDue = true;
    }
    return returned;
  }

  @Override
  public void listen(Consumer<Notice> news) {
    listener = PostgresListener.start(connector, node, news);
  }

  @Override
  public OptionalLong delete(long id) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "DELETE FROM nightcoral_jobs WHERE id = ? AND (claimed_by IS NULL OR claimed_by = ?)"
                + " RETURNING due_at")) {
      st.setLong(1, id);
      st.setString(2, node);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  @Override
  public void markStarted(long id) {
    started.add(id);
  }

  @Override
  public void finished(long id) {
    finished.add(id);
  }

  @Override
  public int flushBatched() throws SQLException {
    int deleted = 0;
    if (!finished.isEmpty()) {
      try (PreparedStatement st =
          db.prepareStatement("DELETE FROM nightcoral_jobs WHERE id = ANY(?)")) {
        st.setArray(1, longs(finished));
        deleted = st.executeUpdate();
      }
      finished.clear();
    }
    if (!started.isEmpty()) {
      try (PreparedStatement st =
          db.prepareStatement(
              "UPDATE nightcoral_jobs SET attempts = attempts + 1, running = TRUE"
                  + " WHERE id = ANY(?)")) {
        st.setArray(1, longs(started));
        st.executeUpdate();
      }
      started.clear();
    }
    return deleted;
  }

  private Array longs(Collection<Long> ids) throws SQLException {
    return db.createArrayOf("bigint", ids.toArray());
  }

  @Override
  public void chargeAtLeast(long id, int attempts) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "UPDATE nightcoral_jobs SET attempts = ? WHERE id = ? AND attempts < ?")) {
      st.setInt(1, attempts);
      st.setLong(2, id);
      st.setInt(3, attempts);
      st.executeUpdate();
    }
  }

  @Override
  public void retryLater(long id, long dueAt, String error) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "UPDATE nightcoral_jobs SET due_at = ?, last_error = ?, claimed_by = NULL,"
                + " running = FALSE WHERE id = ?")) {
      st.setLong(1, dueAt);
      st.setString(2, error);
      st.setLong(3, id);
      st.executeUpdate();
    }
    noticeTimer = Math.min(noticeTimer, dueAt);
  }

  @Override
  public boolean bury(long id, int attempts, String error, long now) throws SQLException {
    int moved;
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO nightcoral_dead_jobs"
                + " (id, payload, attempts, last_error, died_at, job_key, priority)"
                + " SELECT id, payload, ?, ?, ?, job_key, priority FROM nightcoral_jobs"
                + " WHERE id = ?")) {
      st.setInt(1, attempts);
      st.setString(2, error);
      st.setLong(3, now);
      st.setLong(4, id);
      moved = st.executeUpdate();
    }
    try (PreparedStatement st = db.prepareStatement("DELETE FROM nightcoral_jobs WHERE id = ?")) {
      st.setLong(1, id);
      st.executeUpdate();
    }
    return moved > 0;
  }

  /**
   * Claims up to {@code limit} unclaimed jobs due by {@code horizon} for this coordinator, skipping
   * those another is claiming, and returns them in the order they run.
   */
  @Override
  public List<JobRow> loadDue(long horizon, int limit) throws SQLException {
    claim.setString(1, node);
    claim.setLong(2, horizon);
    claim.setInt(3, limit);
    List<JobRow> jobs = new ArrayList<>();
    try (ResultSet rs = claim.executeQuery()) {
      while (rs.next()) {
        String replyTo = rs.getString(7);
        jobs.add(
            new JobRow(
                rs.getLong(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getInt(5),
                rs.getInt(6),
                node.equals(replyTo) ? null : replyTo));
      }
    }
    jobs.sort(
        (a, b) ->
            a.priority() != b.priority()
                ? Integer.compare(b.priority(), a.priority())
                : a.dueAt() != b.dueAt()
                    ? Long.compare(a.dueAt(), b.dueAt())
                    : Long.compare(a.id(), b.id()));
    return jobs;
  }

  @Override
  public long countDueBetween(long after, long upTo) throws SQLException {
    return queryLong(
        "SELECT count(*) FROM nightcoral_jobs WHERE due_at > ? AND due_at <= ?", after, upTo);
  }

  @Override
  public long countDue(long horizon) throws SQLException {
    return queryLong("SELECT count(*) FROM nightcoral_jobs WHERE due_at <= ?", horizon);
  }

  @Override
  public long countLater(long horizon) throws SQLException {
    return queryLong("SELECT count(*) FROM nightcoral_jobs WHERE due_at > ?", horizon);
  }

  @Override
  public long nextDueAfter(long horizon) throws SQLException {
    long min =
        queryLong(
            "SELECT coalesce(min(due_at), -1) FROM nightcoral_jobs WHERE due_at > ?", horizon);
    return min == -1 ? Long.MAX_VALUE : min;
  }

  @Override
  public long countDead() throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM nightcoral_dead_jobs")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public List<DeadRow> deadJobs() throws SQLException {
    return QUERIES.deadJobs(db);
  }

  @Override
  public boolean requeueDead(long id, long dueAt) throws SQLException {
    int moved;
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO nightcoral_jobs"
                + " (id, payload, due_at, created_at, attempts, job_key, priority)"
                + " SELECT id, payload, ?, ?, 0, job_key, priority FROM nightcoral_dead_jobs"
                + " WHERE id = ?")) {
      st.setLong(1, dueAt);
      st.setLong(2, dueAt);
      st.setLong(3, id);
      moved = st.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new EngineException(
            "dead job " + id + " cannot be requeued: another unfinished job has its key", e);
      }
      throw e;
    }
    if (moved > 0) {
      noticeDue = true;
    }
    return moved > 0 && deleteDead(id);
  }

  @Override
  public boolean isUnfinished(long id) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("SELECT 1 FROM nightcoral_jobs WHERE id = ?")) {
      st.setLong(1, id);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The schedule, its row locked until the transaction ends (firing it is then safe). */
  @Override
  public ScheduleRow schedule(String name) throws SQLException {
    List<ScheduleRow> rows =
        Queries.scheduleRows(
            db,
            "SELECT "
                + Queries.SCHEDULE_COLUMNS
                + " FROM nightcoral_schedules WHERE name = ? FOR UPDATE",
            name);
    return rows.isEmpty() ? null : rows.get(0);
  }

  @Override
  public List<ScheduleRow> schedules() throws SQLException {
    return QUERIES.schedules(db);
  }

  /**
   * The schedules due by {@code now} that no other coordinator is firing, locked until the
   * transaction ends; the others skip them, and once it commits they are no longer due.
   */
  @Override
  public List<ScheduleRow> dueSchedules(long now) throws SQLException {
    return Queries.scheduleRows(
        db,
        "SELECT "
            + Queries.SCHEDULE_COLUMNS
            + " FROM nightcoral_schedules WHERE next_run <= ? ORDER BY next_run"
            + " FOR UPDATE SKIP LOCKED",
        now);
  }

  @Override
  public void putSchedule(String name, String spec, String payload, long nextRun)
      throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO nightcoral_schedules (name, spec, payload, next_run) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec,"
                + " payload = EXCLUDED.payload, next_run = EXCLUDED.next_run")) {
      st.setString(1, name);
      st.setString(2, spec);
      st.setString(3, payload);
      st.setLong(4, nextRun);
      st.executeUpdate();
    }
    noticeSchedule = true;
  }

  @Override
  public boolean deleteSchedule(String name) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement("DELETE FROM nightcoral_schedules WHERE name = ?")) {
      st.setString(1, name);
      boolean deleted = st.executeUpdate() > 0;
      noticeSchedule |= deleted;
      return deleted;
    }
  }

  @Override
  public long nextScheduleRun() throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT coalesce(min(next_run), -1) FROM nightcoral_schedules")) {
      rs.next();
      long min = rs.getLong(1);
      return min == -1 ? Long.MAX_VALUE : min;
    }
  }

  @Override
  public void scheduleFired(String name, long at, long jobId, long nextRun) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "UPDATE nightcoral_schedules SET last_run = ?, last_job = ?, next_run = ?"
                + " WHERE name = ?")) {
      st.setLong(1, at);
      st.setLong(2, jobId);
      st.setLong(3, nextRun);
      st.setString(4, name);
      st.executeUpdate();
    }
  }

  @Override
  public void scheduleSkipped(String name, long nextRun) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "UPDATE nightcoral_schedules SET skipped = skipped + 1, next_run = ? WHERE name = ?")) {
      st.setLong(1, nextRun);
      st.setString(2, name);
      st.executeUpdate();
    }
  }

  @Override
  public boolean deleteDead(long id) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement("DELETE FROM nightcoral_dead_jobs WHERE id = ?")) {
      st.setLong(1, id);
      return st.executeUpdate() > 0;
    }
  }

  private long queryLong(String sql, long a, long... more) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(sql)) {
      st.setLong(1, a);
      for (int i = 0; i < more.length; i++) {
        st.setLong(i + 2, more[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Inspection on this store's own connection, for the queue's thread. */
  @Override
  public StoreReader reader() {
    return PostgresReader.sharing(db);
  }

  /** Runs one {@code SET} statement (for tests). */
  @Override
  public void pragma(String statement) throws SQLException {
    if (!statement.startsWith("SET ")) {
      throw new IllegalArgumentException("not a SET statement: " + statement);
    }
    try (Statement st = db.createStatement()) {
      st.execute(statement);
    }
  }

  @Override
  public void savepoint() throws SQLException {
    savepoint = db.setSavepoint();
  }

  @Override
  public void releaseSavepoint() throws SQLException {
    db.releaseSavepoint(savepoint);
    savepoint = null;
  }

  @Override
  public void rollbackToSavepoint() throws SQLException {
    finished.clear();
    started.clear();
    db.rollback(savepoint);
    db.releaseSavepoint(savepoint);
    savepoint = null;
  }

  /** Tells the other coordinators what this transaction changed, then commits it durably. */
  @Override
  public void commit() throws SQLException {
    if (noticeDue) {
      sendNotice(Notice.Kind.DUE, "");
    }
    if (noticeTimer != Long.MAX_VALUE) {
      sendNotice(Notice.Kind.TIMER, Long.toString(noticeTimer));
    }
    if (noticeSchedule) {
      sendNotice(Notice.Kind.SCHEDULE, "");
    }
    for (String to : noticeReplies) {
      sendNotice(Notice.Kind.REPLY, to);
    }
    forgetNotices();
    db.commit();
  }

  private void sendNotice(Notice.Kind kind, String argument) throws SQLException {
    notify.setString(1, PostgresListener.encode(kind, node, argument));
    try (ResultSet rs = notify.executeQuery()) {
      rs.next();
    }
  }

  private void forgetNotices() {
    noticeDue = false;
    noticeTimer = Long.MAX_VALUE;
    noticeSchedule = false;
    noticeReplies.clear();
  }

  /**
   * Abandons the current transaction after a failure; if the connection was lost (the server
   * restarted, say), opens a new one, so the next turn can go on.
   */
  @Override
  public void rollback() {
    savepoint = null;
    finished.clear();
    started.clear();
    forgetNotices();
    try {
      db.rollback();
      if (db.isValid(5)) {
        return;
      }
    } catch (SQLException e) {
      // the connection is broken: replaced below
    }
    log.warn("{}: the connection to the database was lost; connecting again", name);
    closeConnection();
    try {
      connect();
    } catch (SQLException e) {
      log.error("{}: cannot connect to the database again: {}", name, e.toString());
    }
  }

  /**
   * Gives back every claim of this coordinator (jobs still running in its children run again
   * elsewhere, their attempts counted), retires its lease and replies, stops listening and closes
   * the connections.
   */
  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
    try {
      db.rollback();
      int released;
      try (PreparedStatement st =
          db.prepareStatement(
              "UPDATE nightcoral_jobs SET claimed_by = NULL, running = FALSE"
                  + " WHERE claimed_by = ?")) {
        st.setString(1, node);
        released = st.executeUpdate();
      }
      for (String table : new String[] {"nightcoral_nodes", "nightcoral_replies"}) {
        try (PreparedStatement st =
            db.prepareStatement("DELETE FROM " + table + " WHERE node = ?")) {
          st.setString(1, node);
          st.executeUpdate();
        }
      }
      if (released > 0) {
        sendNotice(Notice.Kind.DUE, "");
      }
      db.commit();
    } catch (SQLException e) {
      log.warn("{}: cannot give back this coordinator's claims: {}", name, e.toString());
    }
    closeConnection();
  }

  private void closeConnection() {
    try {
      if (db != null) {
        db.close();
      }
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }
}
