package io.nightcoral.internal.store.sqlite;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.store.JobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A database one NightCoral holds: the lock on its real path and its open store.
 *
 * <p>{@link #open} resolves the real path (so a symlink to the file or its folder is the same
 * database), inspects the file read-only and refuses it before anything is written or locked, then
 * takes the lock and opens the store; if any step fails it releases whatever it took.
 */
public final class OpenDatabase {
  private final SqliteJobStore store;
  private final DatabaseLock lock;
  private final Path realPath;

  private OpenDatabase(SqliteJobStore store, DatabaseLock lock, Path realPath) {
    this.store = store;
    this.lock = lock;
    this.realPath = realPath;
  }

  /**
   * Opens the database at {@code database} (created with its folder if needed), or {@code
   * ":memory:"}; {@code synchronous} is {@code FULL} or {@code NORMAL}.
   */
  public static OpenDatabase open(String database, String synchronous) {
    if (database.equals(":memory:")) {
      return new OpenDatabase(SqliteJobStore.open(database, database, synchronous), null, null);
    }
    Path realPath = realPath(Path.of(database));
    String name = nameFor(database, realPath);
    SqliteJobStore.inspect(realPath, name);
    DatabaseLock lock = DatabaseLock.acquire(realPath, name);
    try {
      return new OpenDatabase(
          SqliteJobStore.open(realPath.toString(), name, synchronous), lock, realPath);
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  /**
   * The real path of {@code file}: its folder's (created if missing) joined with its name, or the
   * file's own if it is a symlink.
   */
  private static Path realPath(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("databaseFile " + file + " is a folder, not a file");
    }
    Path parent = file.toAbsolutePath().getParent();
    Path real;
    try {
      Files.createDirectories(parent);
      real = parent.toRealPath().resolve(file.getFileName());
    } catch (IOException e) {
      throw new EngineException("cannot create the folder of database " + file + ": " + e, e);
    }
    if (Files.isDirectory(real)) {
      throw new IllegalArgumentException("databaseFile " + file + " is a folder, not a file");
    }
    if (!Files.isSymbolicLink(real)) {
      return real;
    }
    if (!Files.exists(real)) {
      throw new IllegalArgumentException(
          "databaseFile " + file + " is a symbolic link to a file that does not exist");
    }
    try {
      return real.toRealPath();
    } catch (IOException e) {
      throw new EngineException("cannot resolve database " + file + ": " + e, e);
    }
  }

  /** The path as the user gave it, followed by the real path when that differs. */
  private static String nameFor(String given, Path realPath) {
    Path plain = Path.of(given).toAbsolutePath().normalize();
    return plain.equals(realPath) ? given : given + " (" + realPath + ")";
  }

  /** The open store, used by one thread at a time. */
  public JobStore store() {
    return store;
  }

  /** The database file's real path, or null for an in-memory database. */
  public Path realPath() {
    return realPath;
  }

  /** Releases the lock on the database (after its store was closed); idempotent. */
  public void releaseLock() {
    if (lock != null) {
      lock.close();
    }
  }

  /** Closes the store and releases the lock, for a start that failed before the store was used. */
  public void close() {
    store.close();
    if (lock != null) {
      lock.close();
    }
  }
}
