package io.nightcoral.internal.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;

/**
 * Syncs SQLite's write-ahead log apart from the commits that write it. For {@code synchronous=FULL}
 * the store's connection runs at {@code NORMAL}, where a commit writes its pages to the log without
 * an fsync, and this class makes the log durable when asked: the log is one file appended in order,
 * so one {@code fdatasync} of it makes every commit before it durable, as SQLite's own {@code FULL}
 * commit does. Only SQLite's own files are touched, and only to sync them; the log is opened
 * read-only, and only once a commit has written it.
 */
final class LogSync implements AutoCloseable {
  private final Path log;
  private final SQLiteConnection db;
  private FileChannel channel;
  private long synced; // the connection's total_changes() at the last sync

  LogSync(Path databaseFile, SQLiteConnection db) throws SQLException {
    this.log = Path.of(databaseFile + "-wal");
    this.db = db;
    this.synced = db.getDatabase().total_changes();
  }

  /** Whether a commit changed rows since the last sync. */
  boolean pending() throws SQLException {
    return db.getDatabase().total_changes() != synced;
  }

  /** Syncs the log if a commit changed rows since the last sync. */
  void sync() throws SQLException {
    long changes = db.getDatabase().total_changes();
    if (changes == synced) {
      return;
    }
    try {
      if (channel == null) {
        channel = FileChannel.open(log, StandardOpenOption.READ);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new SQLException("cannot sync the write-ahead log " + log.getFileName() + ": " + e, e);
    }
    synced = changes;
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // it only ever synced
      }
    }
  }
}
