package io.nightcoral.internal.store;

import io.nightcoral.NightCoralException;
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
import java.util.List;
import java.util.OptionalLong;
import org.sqlite.SQLiteConfig;

/**
 * All of NightCoral's SQL: one SQLite connection in WAL mode, used by one thread at a time.
 *
 * <p>The caller groups work into transactions with {@link #commit()} and {@link #rollback()}; every
 * other method runs inside the current transaction.
 */
public final class JobStore implements AutoCloseable {
  /** The schema version this code reads and writes ({@code PRAGMA user_version}). */
  public static final int SCHEMA_VERSION = 1;

  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private final String name;
  private final Connection db;
  private final StringBuilder finished = new StringBuilder();
  private final StringBuilder started = new StringBuilder();
  private PreparedStatement insert;
  private PreparedStatement delete;
  private PreparedStatement charge;
  private Savepoint savepoint;
  private PreparedStatement retryLater;
  private PreparedStatement loadDue;

  private JobStore(String name, Connection db) throws SQLException {
    this.name = name;
    this.db = db;
    prepare();
  }

  private void prepare() throws SQLException {
    insert =
        db.prepareStatement(
            "INSERT INTO jobs (payload, due_at, created_at) VALUES (?, ?, ?) RETURNING id");
    delete = db.prepareStatement("DELETE FROM jobs WHERE id = ? RETURNING due_at");
    charge = db.prepareStatement("UPDATE jobs SET attempts = ? WHERE id = ? AND attempts < ?");
    retryLater = db.prepareStatement("UPDATE jobs SET due_at = ?, last_error = ? WHERE id = ?");
    loadDue =
        db.prepareStatement(
            "SELECT id, payload, due_at, created_at, attempts FROM jobs WHERE due_at <= ? ORDER BY due_at, id LIMIT ?");
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
      throw new NightCoralException(
          "cannot read database " + name + ": " + e.getMessage() + "; it was left untouched", e);
    }
  }

  /**
   * Opens (creating if needed) the database at {@code file}, or {@code ":memory:"}, named {@code
   * name} in messages; migrates it, then switches it to WAL; {@code synchronous} is {@code FULL} or
   * {@code NORMAL}.
   */
  static JobStore open(String file, String name, String synchronous) {
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
        }
        db.setAutoCommit(false);
        return new JobStore(name, db);
      } catch (SQLException | RuntimeException e) {
        db.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new NightCoralException("cannot open database " + name + ": " + e.getMessage(), e);
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
      throw new NightCoralException("cannot read database " + name + ": " + e, e);
    }
    if (read > 0
        && (read < SQLITE_HEADER.length
            || !Arrays.equals(
                head, 0, SQLITE_HEADER.length, SQLITE_HEADER, 0, SQLITE_HEADER.length))) {
      throw new NightCoralException(
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
      throw new NightCoralException(
          "database "
              + name
              + " has schema version "
              + version
              + ", newer than this NightCoral understands ("
              + SCHEMA_VERSION
              + "); it was left untouched");
    }
    if (version < SCHEMA_VERSION) {
      try (Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")) {
        if (rs.getInt(1) > 0) {
          throw new NightCoralException(
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
    if (refuseIfNotOurs(name, db) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = db.createStatement()) {
      for (String sql : schemaStatements()) {
        st.executeUpdate(sql);
      }
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  private static List<String> schemaStatements() {
    String text;
    try (InputStream in = JobStore.class.getResourceAsStream("schema-" + SCHEMA_VERSION + ".sql")) {
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
  public String name() {
    return name;
  }

  /** Inserts a job stored at {@code now} and returns its new id (ids are never reused). */
  public long insert(String payload, long dueAt, long now) throws SQLException {
    insert.setString(1, payload);
    insert.setLong(2, dueAt);
    insert.setLong(3, now);
    try (ResultSet rs = insert.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Deletes a job; returns the due time it had, or empty if there was no such job. */
  public OptionalLong delete(long id) throws SQLException {
    delete.setLong(1, id);
    try (ResultSet rs = delete.executeQuery()) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    }
  }

  /**
   * Records that an attempt of the job starts; written by {@link #flushBatched()} in one statement.
   */
  public void markStarted(long id) {
    append(started, id);
  }

  /** Deletes a finished job; written by {@link #flushBatched()} in one statement. */
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
  public void chargeAtLeast(long id, int attempts) throws SQLException {
    charge.setInt(1, attempts);
    charge.setLong(2, id);
    charge.setInt(3, attempts);
    charge.executeUpdate();
  }

  /** Makes a failed job due again at {@code dueAt}, keeping its error. */
  public void retryLater(long id, long dueAt, String error) throws SQLException {
    retryLater.setLong(1, dueAt);
    retryLater.setString(2, error);
    retryLater.setLong(3, id);
    retryLater.executeUpdate();
  }

  /** Moves a job to the dead jobs with its last error; returns false if there was no such job. */
  public boolean bury(long id, int attempts, String error, long now) throws SQLException {
    int moved;
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO dead_jobs (id, payload, attempts, last_error, died_at) "
                + "SELECT id, payload, ?, ?, ? FROM jobs WHERE id = ?")) {
      st.setInt(1, attempts);
      st.setString(2, error);
      st.setLong(3, now);
      st.setLong(4, id);
      moved = st.executeUpdate();
    }
    delete(id);
    return moved > 0;
  }

  /** Up to {@code limit} jobs due by {@code horizon}, earliest first. */
  public List<StoredJob> loadDue(long horizon, int limit) throws SQLException {
    loadDue.setLong(1, horizon);
    loadDue.setInt(2, limit);
    List<StoredJob> jobs = new ArrayList<>();
    try (ResultSet rs = loadDue.executeQuery()) {
      while (rs.next()) {
        jobs.add(
            new StoredJob(
                rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)));
      }
    }
    return jobs;
  }

  /** How many jobs fall due in {@code (after, upTo]}. */
  public long countDueBetween(long after, long upTo) throws SQLException {
    return queryLong("SELECT count(*) FROM jobs WHERE due_at > ? AND due_at <= ?", after, upTo);
  }

  /** How many jobs are due by {@code horizon}. */
  public long countDue(long horizon) throws SQLException {
    return queryLong("SELECT count(*) FROM jobs WHERE due_at <= ?", horizon);
  }

  /** How many jobs are due after {@code horizon} (timers and retries waiting). */
  public long countLater(long horizon) throws SQLException {
    return queryLong("SELECT count(*) FROM jobs WHERE due_at > ?", horizon);
  }

  /** The earliest due time after {@code horizon}, or {@link Long#MAX_VALUE} if none. */
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
  public long countDead() throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM dead_jobs")) {
      return rs.getLong(1);
    }
  }

  /** Every dead job, oldest death first. */
  public List<DeadRow> deadJobs() throws SQLException {
    List<DeadRow> rows = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, payload, attempts, last_error, died_at FROM dead_jobs ORDER BY died_at, id")) {
      while (rs.next()) {
        rows.add(
            new DeadRow(
                rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5)));
      }
    }
    return rows;
  }

  /** Moves a dead job back into the queue, due at {@code dueAt} with no attempts; false if none. */
  public boolean requeueDead(long id, long dueAt) throws SQLException {
    int moved;
    try (PreparedStatement st =
        db.prepareStatement(
            "INSERT INTO jobs (id, payload, due_at, created_at, attempts) SELECT id, payload, ?, ?, 0 FROM dead_jobs WHERE id = ?")) {
      st.setLong(1, dueAt);
      st.setLong(2, dueAt);
      st.setLong(3, id);
      moved = st.executeUpdate();
    }
    return moved > 0 && deleteDead(id);
  }

  /** Deletes a dead job; false if there was none. */
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
  public void pragma(String statement) throws SQLException {
    if (!statement.startsWith("PRAGMA ")) {
      throw new IllegalArgumentException("not a PRAGMA: " + statement);
    }
    try (Statement st = db.createStatement()) {
      st.execute(statement);
    }
  }

  /** Marks a point in the current transaction that {@link #rollbackToSavepoint} returns to. */
  public void savepoint() throws SQLException {
    savepoint = db.setSavepoint();
  }

  /** Keeps what was done since {@link #savepoint}. */
  public void releaseSavepoint() throws SQLException {
    db.releaseSavepoint(savepoint);
    savepoint = null;
  }

  /** Undoes what was done since {@link #savepoint}, keeping the rest of the transaction. */
  public void rollbackToSavepoint() throws SQLException {
    db.rollback(savepoint);
    db.releaseSavepoint(savepoint);
    savepoint = null;
    reprepare();
  }

  /** Commits the current transaction durably. */
  public void commit() throws SQLException {
    db.commit();
  }

  /**
   * Abandons the current transaction after a failure, and prepares the statements afresh (the
   * driver may have closed the one that failed).
   */
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
          new PreparedStatement[] {insert, delete, charge, retryLater, loadDue}) {
        st.close();
      }
      prepare();
    } catch (SQLException e) {
      throw new NightCoralException(
          "database " + name + ": cannot prepare statements: " + e.getMessage(), e);
    }
  }

  /** Closes the connection (uncommitted work is rolled back). */
  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }
}
