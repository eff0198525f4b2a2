package io.nightcoral.internal.pool;

/**
 * Runs the pool's delayed work: pings, ping timeouts, job deadlines and the start of replacement
 * children. Tests give the pool one whose time they move by hand.
 */
public interface PoolTimer {
  /**
   * Runs {@code task} once, {@code delayNanos} from now, unless it is cancelled first; throws
   * {@link java.util.concurrent.RejectedExecutionException} after {@link #shutdown}.
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /**
   * Runs {@code task} every {@code periodNanos}, the first time one period from now, until {@link
   * #shutdown}.
   */
  void scheduleAtFixedRate(Runnable task, long periodNanos);

  /** Stops: no task runs after this, and later ones are refused. */
  void shutdown();

  /** A task given to {@link #schedule}. */
  interface Cancellable {
    /** Calls the task off if it has not started. */
    void cancel();
  }
}
