package io.nightcoral.internal.store.postgres;

import io.nightcoral.internal.store.Notice;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears the other coordinators' notices ({@code LISTEN nightcoral}) on a connection and a thread of
 * its own, and passes them on; a lost connection is opened again, and since notices may have been
 * missed meanwhile, it then passes on every kind of news once. The only class that uses the
 * PostgreSQL driver's own API.
 */
final class PostgresListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final int WAIT_MILLIS = 500;
  private static final long RECONNECT_PAUSE_MILLIS = 1_000;

  private final Connector connector;
  private final String node;
  private final Consumer<Notice> news;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread thread;
  private Connection db; // the thread's

  private PostgresListener(Connector connector, String node, Consumer<Notice> news) {
    this.connector = connector;
    this.node = node;
    this.news = news;
    this.thread = new Thread(this::loop, "nightcoral-listen-" + node);
    thread.setDaemon(true);
  }

  /** Starts listening for the notices of coordinators other than {@code node}. */
  static PostgresListener start(Connector connector, String node, Consumer<Notice> news) {
    PostgresListener listener = new PostgresListener(connector, node, news);
    listener.thread.start();
    return listener;
  }

  /** A notice's text: its kind, the sending coordinator, and the kind's argument. */
  static String encode(Notice.Kind kind, String from, String argument) {
    return kind.name() + "|" + from + "|" + argument;
  }

  private void loop() {
    boolean first = true;
    while (closed.getCount() > 0) {
      try {
        if (db == null) {
          db = connector.connect();
          db.setAutoCommit(true);
          try (Statement st = db.createStatement()) {
            st.execute("LISTEN " + PostgresJobStore.CHANNEL);
          }
          if (!first) { // notices sent while no one listened are lost: look at everything
            for (Notice.Kind kind : Notice.Kind.values()) {
              news.accept(new Notice(kind, 0));
            }
            log.info("listener of coordinator {}: connected again", node);
          }
          first = false;
        }
        PGNotification[] notices = db.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
        if (notices != null) {
          for (PGNotification n : notices) {
            Notice notice = decode(n.getParameter());
            if (notice != null) {
              news.accept(notice);
            }
          }
        }
      } catch (Throwable t) {
        if (closed.getCount() == 0) {
          break;
        }
        log.warn(
            "listener of coordinator {}: {}; connecting again in {} ms",
            node,
            t.toString(),
            RECONNECT_PAUSE_MILLIS);
        closeConnection();
        first = false;
        try {
          closed.await(RECONNECT_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    closeConnection();
  }

  /** The notice, or null if it is this coordinator's own, or a reply for another one. */
  private Notice decode(String text) {
    String[] parts = text.split("\\|", 3);
    if (parts.length != 3 || parts[1].equals(node)) {
      return null;
    }
    try {
      Notice.Kind kind = Notice.Kind.valueOf(parts[0]);
      return switch (kind) {
        case TIMER -> new Notice(kind, Long.parseLong(parts[2]));
        case REPLY -> parts[2].equals(node) ? new Notice(kind, 0) : null;
        default -> new Notice(kind, 0);
      };
    } catch (IllegalArgumentException e) {
      log.warn("listener of coordinator {}: unreadable notice {}", node, text);
      return null;
    }
  }

  private void closeConnection() {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // closing is best effort
      }
      db = null;
    }
  }

  /** Stops listening; waits (bounded) for the thread to end. */
  @Override
  public void close() {
    closed.countDown();
    try {
      thread.join(WAIT_MILLIS * 4L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
