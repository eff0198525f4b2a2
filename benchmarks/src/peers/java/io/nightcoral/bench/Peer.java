package io.nightcoral.bench;

import java.nio.file.Path;
import java.time.Duration;

/** A Java job scheduler measured beside NightCoral on its own SQLite file, in this JVM. */
interface Peer {
  /** The name in tables and plots, e.g. {@code db-scheduler}. */
  String name();

  /** The version and the settings it runs with, for the log. */
  String settings();

  /**
   * Opens the peer on a new database file: with 2 worker threads, not yet started, when {@code
   * workers}; as a client that only adds jobs otherwise.
   */
  Engine open(Path dbFile, PeerSink sink, boolean workers) throws Exception;

  /** How long a job due now may wait for the peer to look for it, at worst. */
  Duration pollInterval();

  /** One open peer. Adds return when the peer's API returns (its jobs then durable). */
  interface Engine extends AutoCloseable {
    /** Adds {@code count} no-op jobs due now, through the peer's batch API when it has one. */
    void addNoops(int count) throws Exception;

    /** Adds one no-op job due now, through the peer's single-job API; called from many threads. */
    void addNoop() throws Exception;

    /** Adds a job whose handler reports {@code addedNanos} and its own start to the sink. */
    void addProbe(long addedNanos) throws Exception;

    /** Adds jobs due at each of {@code dueMillis} (epoch millis) whose handlers report it. */
    void addTimers(long[] dueMillis) throws Exception;

    /** Adds {@code count} no-op jobs due at {@code dueMillis}, through the batch API. */
    void addPending(int count, long dueMillis) throws Exception;

    /** Starts the workers. */
    void start() throws Exception;

    /**
     * How many jobs the peer has recorded as done, read from its store; asked only in runs that add
     * nothing but no-op jobs.
     */
    long noopsDone() throws Exception;

    /** Stops the workers, if started, and closes the store. */
    @Override
    void close();
  }
}
