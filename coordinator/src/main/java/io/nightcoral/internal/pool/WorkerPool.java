package io.nightcoral.internal.pool;

import java.time.Duration;
import java.util.List;

/** A set of workers that run jobs: child processes, or the inline fake. */
public interface WorkerPool {
  /**
   * Starts {@code count} workers and returns once each is ready, or throws and leaves none running.
   */
  void start(int count);

  /** Whether the pool stopped itself (too many deaths); a new pool may then take its place. */
  default boolean stopped() {
    return false;
  }

  /** Why the pool stopped itself, or null. */
  default String stopReason() {
    return null;
  }

  /** The workers being started that are not ready yet. */
  default List<Worker> starting() {
    return List.of();
  }

  /** Warm spares ready to take a dead worker's place (they take no jobs until then). */
  default int spares() {
    return 0;
  }

  /** Workers currently alive. */
  int size();

  /** Stops every worker, waiting at most {@code grace} for them to exit before killing them. */
  void shutdown(Duration grace);
}
