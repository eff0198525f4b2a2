package io.nightcoral.internal.store.sqlite;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.Inserted;
import io.nightcoral.internal.store.JobRow;
import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.Queries;
import io.nightcoral.internal.store.ScheduleRow;
import io.nightcoral.internal.store.StoreReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * All of NightCoral's SQL: one SQLite connection in WAL mode, used by one thread at a time.
 *
 * <p>The caller groups work into transactions with {@link #commit()} and {@link #rollback()}; every
 * other method runs inside the current transaction.
 */
public final class SqliteJobStore implements JobStore {
  /** The queries this store shares with the other kind of store. */
  static final Queries QUERIES = new Queries("");

  /** The schema version this code reads and writes ({@code PRAGMA user_version}). */
  public static final int SCHEMA_VERSION = 2;

  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private final String name;
  private final Connection db;
  private final StringBuilder finished = new StringBuilder();
  private final StringBuilder started = new StringBuilder();

  /** The most rows one statement of {@link #insertAll} inserts. */
  static final int INSERT_MANY_ROWS = 1_000;

  private PreparedStatement insert;
  private PreparedStatement insertMany;
  private PreparedStatement delete;
  private PreparedStatement charge;
  private Savepoint savepoint;
  private Checkpointer checkpointer; // null for an in-memory database
  private LogSync logSync; // for synchronous=FULL on a file, else null
  private PreparedStatement retryLater;
  private PreparedStatement loadDue;
  private PreparedStatement findByKey;
  private PreparedStatement anyOfPriority;

  /** Every priority a stored job may have, highest first; read once, then kept up to date. */
  private TreeSet<Integer> priorities;

  private SqliteJobStore(String name, Connection db) throws SQLException {
    this.name = name;
    this.db = db;
    prepare();
  }

  private void prepare() throws SQLException {
    insert =
        db.prepareStatement(
            "INSERT INTO jobs (payload, due_at, created_at, job_key, priority) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (job_key) WHERE job_key IS NOT NULL DO NOTHING RETURNING id");
    // one statement for many rows: SQLite runs it at a fraction of the cost per row of single
    // inserts, and inserts in the array's order, so the new ids ascend in that order
    insertMany =
        db.prepareStatement(
            "INSERT INTO jobs (payload, due_at, created_at, job_key, priority)"
                + " SELECT value, ?, ?, NULL, ? FROM json_each(?) ORDER BY key RETURNING id");
    findByKey = db.prepareStatement("SELECT id FROM jobs WHERE job_key = ?");
    anyOfPriority = db.prepareStatement("SELECT 1 FROM jobs WHERE priority = ? LIMIT 1");
    delete = db.prepareStatement("DELETE FROM jobs WHERE id = ? RETURNING due_at");
    charge = db.prepareStatement("UPDATE jobs SET attempts = ? WHERE id = ? AND attempts < ?");
    retryLater = db.prepareStatement("UPDATE jobs SET due_at = ?, last_error = ? WHERE id = ?");
    loadDue =
        db.prepareStatement(
            "SELECT id, payload, due_at, created_at, attempts, priority FROM jobs"
                + " WHERE priority = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?");
  }

  /**
   * Refuses, changing nothing, a file at {@code file} that is not an empty or NightCoral SQLite
   * database this code can read: checks its header, then reads its schema version and tables
   * through a read-only connection.
   */
  static void inspect(Path file, String name) {
    if (!Files.exists(file)) {
      return;
    }
    boolean wal = checkIsSqliteOrEmpty(file, name);
    String url = "jdbc:sqlite:" + file;
    if (wal && !Files.exists(Path.of(file + "-wal"))) {
      // nobody has it open and all of it is in the file: read it as it is, for a read-only
      // connection to a WAL database would create the -wal and -shm files beside it
      url = "jdbc:sqlite:" + file.toUri() + "?immutable=1";
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5_000);
    try (Connection db = config.createConnection(url)) {
      refuseIfNotOurs(name, db);
    } catch (SQLException e) {
      throw new EngineException(
          "cannot read database " + name + ": " + e.getMessage() + "; it was left untouched", e);
    }
  }

  /**
   * Opens (creating if needed) the database at {@code file}, or {@code ":memory:"}, named {@code
   * name} in messages; migrates it, then switches it to WAL; {@code synchronous} is {@code FULL} or
   * {@code NORMAL}.
   */
  static SqliteJobStore open(String file, String name, String synchronous) {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setBusyTimeout(5_000);
    try {
      Connection db = config.createConnection("jdbc:sqlite:" + file);
      try {
        db.setAutoCommit(false);
        migrate(name, db);
        db.commit();
        db.setAutoCommit(true); // the journal mode changes only outside a transaction
        try (Statement st = db.createStatement()) {
          st.execute("PRAGMA journal_mode = WAL");
          st.execute("PRAGMA wal_autocheckpoint = " + Checkpointer.BACKSTOP_PAGES);
        }
        boolean syncApart = synchronous.equals("FULL") && !file.equals(":memory:");
        if (syncApart) {
          // commits write the log without an fsync; LogSync makes them durable (see commit)
          try (Statement st = db.createStatement()) {
            st.execute("PRAGMA synchronous = NORMAL");
          }
        }
        db.setAutoCommit(false);
        SqliteJobStore store = new SqliteJobStore(name, db);
        if (syncApart) {
          store.logSync = new LogSync(Path.of(file), db.unwrap(SQLiteConnection.class));
        }
        if (!file.equals(":memory:")) {
          store.checkpointer = Checkpointer.start(file, name);
        }
        return store;
      } catch (SQLException | RuntimeException e) {
        db.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new EngineException("cannot open database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Refuses a file that is neither empty nor SQLite; returns whether it is in WAL mode. */
  private static boolean checkIsSqliteOrEmpty(Path file, String name) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("database path " + name + " is not a regular file");
    }
    byte[] head = new byte[SQLITE_HEADER.length + 4]; // the header string, then 4 format bytes
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new EngineException("cannot read database " + name + ": " + e, e);
    }
    if (read > 0
        && (read < SQLITE_HEADER.length
            || !Arrays.equals(
                head, 0, SQLITE_HEADER.length, SQLITE_HEADER, 0, SQLITE_HEADER.length))) {
      throw new EngineException(
          "database " + name + " is not a SQLite database; it was left untouched");
    }
    return read == head.length && head[18] == 2 && head[19] == 2;
  }

  /** Returns the schema version of a database this code can use, or throws saying why not. */
  private static int refuseIfNotOurs(String name, Connection db) throws SQLException {
    int version;
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      version = rs.getInt(1);
    }
    if (version > SCHEMA_VERSION) {
      throw new EngineException(
          "database "
              + name
              + " has schema version "
              + version
              + ", newer than this NightCoral understands ("
              + SCHEMA_VERSION
              + "); it was left untouched");
    }
    if (version == 0) { // a new database has no tables yet; one of ours says which version it is
      try (Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")) {
        if (rs.getInt(1) > 0) {
          throw new EngineException(
              "database "
                  + name
                  + " holds tables that are not NightCoral's; it was left untouched");
        }
      }
    }
    return version;
  }

  /** Checks the database again inside the transaction, then creates the schema if it is empty. */
  private static void migrate(String name, Connection db) throws SQLException {
    int version = refuseIfNotOurs(name, db);
    if (version == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = db.createStatement()) {
      for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
        for (String sql : schemaStatements(next)) {
          st.executeUpdate(sql);
        }
      }
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  private static List<String> schemaStatements(int version) {
    String text;
    try (InputStream in = SqliteJobStore.class.getResourceAsStream("schema-" + version + ".sql")) {
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

  /** The database's name as the user gave it (with its real path if that differs), for messages. */
  @Override
  public String name() {
    return name;
  }

  @Override
  public Inserted insert(
      String payload, long dueAt, long now, String key, int priority, boolean awaited)
      throws SQLException {
    insert.setString(1, payload);
    insert.setLong(2, dueAt);
    insert.setLong(3, now);
    insert.setString(4, key);
    insert.setInt(5, priority);
    try (ResultSet rs = insert.executeQuery()) {
      if (rs.next()) {
        if (priorities != null) {
          priorities.add(priority);
        }
        return new Inserted(rs.getLong(1), true);
      }
    }
    findByKey.setString(1, key); // the key is taken: the job that has it
    try (ResultSet rs = findByKey.executeQuery()) {
      rs.next();
      return new Inserted(rs.getLong(1), false);
    }
  }

  /**
   * Inserts the payloads in statements of up to {@link #INSERT_MANY_ROWS} rows each, the payloads
   * passed as one JSON array of strings.
   */
  @Override
  public long[] insertAll(List<String> payloads, long dueAt, long now, int priority)
      throws SQLException {
    long[] ids = new long[payloads.size()];
    for (int from = 0; from < ids.length; from += INSERT_MANY_ROWS) {
      int to = Math.min(ids.length, from + INSERT_MANY_ROWS);
      insertMany.setLong(1, dueAt);
      insertMany.setLong(2, now);
      insertMany.setInt(3, priority);
      insertMany.setString(4, JsonStrings.array(payloads.subList(from, to)));
      int n = from;
      try (ResultSet rs = insertMany.executeQuery()) {
        while (rs.next()) {
          if (n == to) {
            throw new SQLException("inserted more rows than payloads");
          }
          ids[n++] = rs.getLong(1);
        }
      }
      if (n != to) {
        throw new SQLException("inserted " + (n - from) + " rows of " + (to - from));
      }
      Arrays.sort(ids, from, to); // RETURNING's order is not promised; the insertion order is
    }
    if (priorities != null && !payloads.isEmpty()) {
      priorities.add(priority);
    }
    return ids;
  }

  /** Deletes a job; returns the due time it had, or empty if there was no such job. */
  @Override
  public OptionalLong delete(long id) throws SQLException {
    delete.setLong(1, id);
    try (ResultSet rs = delete.executeQuery()) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    }
  }

  /**
   * Records that an attempt of the job starts; written by {@link #flushBatched()} in one statement.
   */
  @Override
  public void markStarted(long id) {
    append(started, id);
  }

  /** Deletes a finished job; written by {@link #flushBatched()} in one statement. */
  @Override
  public void finished(long id) {
    append(finished, id);
  }

  private static void append(StringBuilder ids, long id) {
    if (ids.length() > 0) {
      ids.append(',');
    }
    ids.append(id);
  }

  /**
   * Writes the batched {@link #finished} deletes and {@link #markStarted} updates, each as one
   * statement; returns how many finished jobs were deleted.
   */
  @Override
  public int flushBatched() throws SQLException {
    int deleted = 0;
    try (Statement st = db.createStatement()) {
      if (finished.length() > 0) {
        deleted = st.executeUpdate("DELETE FROM jobs WHERE id IN (" + finished + ")");
        finished.setLength(0);
      }
      if (started.length() > 0) {
        st.executeUpdate("UPDATE jobs SET attempts = attempts + 1 WHERE id IN (" + started + ")");
        started.setLength(0);
      }
    }
    return deleted;
  }

  /** Raises the job's attempt count to {@code attempts} if it is lower (recovering a start). */
  @Override
  public void chargeAtLeast(long id, int attempts) throws SQLException {
    charge.setInt(1, attempts);
    charge.setLong(2, id);
    charge.setInt(3, attempts);
    charge.executeUpdate();
  }

  /** Makes a failed job due again at {@code dueAt}, keeping its error. */
  @Override
  public void retryLater(long id, long dueAt, String error) throws SQLException {
    retryLater.setLong(1, dueAt);
    retryLater.setString(2, error);
    retryLater.setLong(3, id);
    retryLater.executeUpdate();
  }

  /** Moves a job to the dead jobs with its last error; returns false if there was no such job. */
  @Override
  public boolean bury(long id, int attempts, String error, long now) throws SQLException {
    int moved;
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO dead_jobs (id, payload, attempts, last_error, died_at, job_key, priority)"
                + " SELECT id, payload, ?, ?, ?, job_key, priority FROM jobs WHERE id = ?")) {
      st.setInt(1, attempts);
      st.setString(2, error);
      st.setLong(3, now);
      st.setLong(4, id);
      moved = st.executeUpdate();
    }
    delete(id);
    return moved > 0;
  }

  /**
   * Up to {@code limit} jobs due by {@code horizon}, highest priority first: one range query on
   * (priority, due_at, id) per priority a stored job may have, so neither many timers nor many due
   * jobs of other priorities are scanned.
   */
  @Override
  public List<JobRow> loadDue(long horizon, int limit) throws SQLException {
    if (priorities == null) {
      priorities = new TreeSet<>(Comparator.reverseOrder());
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT DISTINCT priority FROM jobs")) {
        while (rs.next()) {
          priorities.add(rs.getInt(1));
        }
      }
    }
    List<JobRow> jobs = new ArrayList<>();
    for (Iterator<Integer> it = priorities.iterator(); it.hasNext() && jobs.size() < limit; ) {
      int priority = it.next();
      int before = jobs.size();
      loadDue.setInt(1, priority);
      loadDue.setLong(2, horizon);
      loadDue.setInt(3, limit - jobs.size());
      try (ResultSet rs = loadDue.executeQuery()) {
        while (rs.next()) {
          jobs.add(
              new JobRow(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getInt(5),
                  rs.getInt(6)));
        }
      }
      if (jobs.size() == before && !anyOfPriority(priority)) {
        it.remove(); // no job has it any more
      }
    }
    return jobs;
  }

  private boolean anyOfPriority(int priority) throws SQLException {
    anyOfPriority.setInt(1, priority);
    try (ResultSet rs = anyOfPriority.executeQuery()) {
      return rs.next();
    }
  }

  /** How many jobs fall due in {@code (after, upTo]}. */
  @Override
  public long countDueBetween(long after, long upTo) throws SQLException {
    return queryLong("SELECT count(*) FROM jobs WHERE due_at > ? AND due_at <= ?", after, upTo);
  }

  /** How many jobs are due by {@code horizon}. */
  @Override
  public long countDue(long horizon) throws SQLException {
    return queryLong("SELECT count(*) FROM jobs WHERE due_at <= ?", horizon);
  }

  /** How many jobs are due after {@code horizon} (timers and retries waiting). */
  @Override
  public long countLater(long horizon) throws SQLException {
    return queryLong("SELECT count(*) FROM jobs WHERE due_at > ?", horizon);
  }

  /** The earliest due time after {@code horizon}, or {@link Long#MAX_VALUE} if none. */
  @Override
  public long nextDueAfter(long horizon) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement("SELECT min(due_at) FROM jobs WHERE due_at > ?")) {
      st.setLong(1, horizon);
      try (ResultSet rs = st.executeQuery()) {
        long min = rs.getLong(1);
        return rs.wasNull() ? Long.MAX_VALUE : min;
      }
    }
  }

  /** How many dead jobs there are. */
  @Override
  public long countDead() throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM dead_jobs")) {
      return rs.getLong(1);
    }
  }

  /** Every dead job, oldest death first. */
  @Override
  public List<DeadRow> deadJobs() throws SQLException {
    return QUERIES.deadJobs(db);
  }

  @Override
  public boolean requeueDead(long id, long dueAt) throws SQLException {
    int moved;
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO jobs (id, payload, due_at, created_at, attempts, job_key, priority)"
                + " SELECT id, payload, ?, ?, 0, job_key, priority FROM dead_jobs WHERE id = ?")) {
      st.setLong(1, dueAt);
      st.setLong(2, dueAt);
      st.setLong(3, id);
      moved = st.executeUpdate();
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
        throw new EngineException(
            "dead job " + id + " cannot be requeued: another unfinished job has its key", e);
      }
      throw e;
    }
    if (moved > 0) {
      priorities = null; // read again: the job may bring back a priority
    }
    return moved > 0 && deleteDead(id);
  }

  @Override
  public StoreReader reader() {
    return SqliteReader.sharing(db);
  }

  @Override
  public boolean isUnfinished(long id) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("SELECT 1 FROM jobs WHERE id = ?")) {
      st.setLong(1, id);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public ScheduleRow schedule(String name) throws SQLException {
    List<ScheduleRow> rows =
        Queries.scheduleRows(
            db, "SELECT " + Queries.SCHEDULE_COLUMNS + " FROM schedules WHERE name = ?", name);
    return rows.isEmpty() ? null : rows.get(0);
  }

  @Override
  public List<ScheduleRow> schedules() throws SQLException {
    return QUERIES.schedules(db);
  }

  @Override
  public List<ScheduleRow> dueSchedules(long now) throws SQLException {
    return Queries.scheduleRows(
        db,
        "SELECT "
            + Queries.SCHEDULE_COLUMNS
            + " FROM schedules WHERE next_run <= ? ORDER BY next_run",
        now);
  }

  @Override
  public void putSchedule(String name, String spec, String payload, long nextRun)
      throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO schedules (name, spec, payload, next_run) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET spec = excluded.spec,"
                + " payload = excluded.payload, next_run = excluded.next_run")) {
      st.setString(1, name);
      st.setString(2, spec);
      st.setString(3, payload);
      st.setLong(4, nextRun);
      st.executeUpdate();
    }
  }

  @Override
  public boolean deleteSchedule(String name) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("DELETE FROM schedules WHERE name = ?")) {
      st.setString(1, name);
      return st.executeUpdate() > 0;
    }
  }

  @Override
  public long nextScheduleRun() throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT min(next_run) FROM schedules")) {
      long min = rs.getLong(1);
      return rs.wasNull() ? Long.MAX_VALUE : min;
    }
  }

  @Override
  public void scheduleFired(String name, long at, long jobId, long nextRun) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "UPDATE schedules SET last_run = ?, last_job = ?, next_run = ? WHERE name = ?")) {
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
            "UPDATE schedules SET skipped = skipped + 1, next_run = ? WHERE name = ?")) {
      st.setLong(1, nextRun);
      st.setString(2, name);
      st.executeUpdate();
    }
  }

  /** Deletes a dead job; false if there was none. */
  @Override
  public boolean deleteDead(long id) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("DELETE FROM dead_jobs WHERE id = ?")) {
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
        return rs.getLong(1);
      }
    }
  }

  /** Runs one {@code PRAGMA} statement (for tests that simulate faults). */
  @Override
  public void pragma(String statement) throws SQLException {
    if (!statement.startsWith("PRAGMA ")) {
      throw new IllegalArgumentException("not a PRAGMA: " + statement);
    }
    try (Statement st = db.createStatement()) {
      st.execute(statement);
    }
  }

  /** Marks a point in the current transaction that {@link #rollbackToSavepoint} returns to. */
  @Override
  public void savepoint() throws SQLException {
    savepoint = db.setSavepoint();
  }

  /** Keeps what was done since {@link #savepoint}. */
  @Override
  public void releaseSavepoint() throws SQLException {
    db.releaseSavepoint(savepoint);
    savepoint = null;
  }

  /** Undoes what was done since {@link #savepoint}, keeping the rest of the transaction. */
  @Override
  public void rollbackToSavepoint() throws SQLException {
    finished.setLength(0);
    started.setLength(0);
    db.rollback(savepoint);
    db.releaseSavepoint(savepoint);
    savepoint = null;
    reprepare();
  }

  /** Commits the current transaction durably. */
  @Override
  public void commit() throws SQLException {
    commitUnsynced();
    sync();
  }

  @Override
  public boolean canCommitUnsynced() {
    return logSync != null;
  }

  @Override
  public boolean commitUnsynced() throws SQLException {
    db.commit();
    if (checkpointer != null) {
      checkpointer.nudge();
    }
    return logSync != null && logSync.pending();
  }

  @Override
  public void sync() throws SQLException {
    if (logSync != null) {
      logSync.sync();
    }
  }

  /**
   * Abandons the current transaction after a failure, and prepares the statements afresh (the
   * driver may have closed the one that failed).
   */
  @Override
  public void rollback() {
    savepoint = null;
    finished.setLength(0);
    started.setLength(0);
    try {
      db.rollback();
    } catch (SQLException e) {
      // SQLite already rolled back on its own (a full disk or an I/O error at commit does that):
      // the driver's ROLLBACK failed, and it then skipped its BEGIN, which would leave every
      // later statement committing alone and every commit failing. Begin the next one here.
      begin();
    }
    reprepare();
  }

  /** Opens a transaction after a failed rollback; if one is still open, it stays as it is. */
  private void begin() {
    try (Statement st = db.createStatement()) {
      st.execute("BEGIN");
    } catch (SQLException stillOpen) {
      // the rollback failed with the transaction still open: the next rollback ends it
    }
  }

  /** Prepares the statements afresh: the driver closes one whose execution failed. */
  private void reprepare() {
    try {
      for (PreparedStatement st :
          new PreparedStatement[] {
            insert, insertMany, delete, charge, retryLater, loadDue, findByKey, anyOfPriority
          }) {
        st.close();
      }
      prepare();
    } catch (SQLException e) {
      throw new EngineException(
          "database " + name + ": cannot prepare statements: " + e.getMessage(), e);
    }
  }

  /** Closes the connection (uncommitted work is rolled back). */
  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.close();
    }
    if (logSync != null) {
      try {
        logSync.sync();
      } catch (SQLException e) {
        log.error("{}: {}", name, e.getMessage());
      }
      logSync.close();
    }
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }
}
