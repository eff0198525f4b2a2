package io.nightcoral.internal.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Copies the write-ahead log back into the database file on a thread and a connection of its own,
 * so the queue's commits never stop for it. Nudged after commits, it runs a passive checkpoint
 * (which never blocks the writer) at most every {@link #PAUSE_MILLIS}; SQLite's own automatic
 * checkpoint stays on at a larger size, as a backstop.
 */
final class Checkpointer implements AutoCloseable {
  /** The least time between two checkpoints. */
  static final long PAUSE_MILLIS = 20;

  /** The WAL size, in pages, at which the writer checkpoints by itself if this thread lags. */
  static final int BACKSTOP_PAGES = 16_000;

  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  private final Connection db;
  private final String name;
  private final Semaphore nudged = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closed;

  private Checkpointer(Connection db, String name) {
    this.db = db;
    this.name = name;
    this.thread = new Thread(this::run, "nightcoral-checkpoint");
    thread.setDaemon(true);
  }

  /** Starts a checkpointer for the database file {@code file}. */
  static Checkpointer start(String file, String name) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(5_000);
    Checkpointer checkpointer =
        new Checkpointer(config.createConnection("jdbc:sqlite:" + file), name);
    checkpointer.thread.start();
    return checkpointer;
  }

  /** Asks for a checkpoint soon; never blocks. */
  void nudge() {
    if (nudged.availablePermits() == 0) {
      nudged.release();
    }
  }

  private void run() {
    while (!closed) {
      try {
        nudged.acquire();
        nudged.drainPermits();
        if (closed) {
          break;
        }
        try (Statement st = db.createStatement()) {
          st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        Thread.sleep(PAUSE_MILLIS); // bounds the rate; commits meanwhile leave one nudge behind
      } catch (InterruptedException e) {
        break;
      } catch (Throwable t) {
        log.warn("{}: a checkpoint failed: {}", name, t.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }
}
