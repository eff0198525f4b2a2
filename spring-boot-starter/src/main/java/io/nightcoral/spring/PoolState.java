package io.nightcoral.spring;

import io.nightcoral.WorkerPoolError;

/**
 * What the starter has heard about the worker pool: whether it stopped itself since the last
 * launch, and why. It listens to {@code notifyError}, as {@code NightCoral} has no public way to
 * tell. Thread-safe.
 */
final class PoolState {
  private volatile String stoppedReason;

  /** Notes a pool error; a {@code POOL_STOPPED} one marks the pool stopped. */
  void heard(WorkerPoolError error) {
    if (error.kind() == WorkerPoolError.Kind.POOL_STOPPED) {
      stoppedReason = error.reason();
    }
  }

  /** A fresh pool is being launched. */
  void launching() {
    stoppedReason = null;
  }

  /** Why the pool stopped itself, or null if it has not since the last launch. */
  String stoppedReason() {
    return stoppedReason;
  }
}
