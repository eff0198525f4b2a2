package io.nightcoral;

import io.nightcoral.internal.pool.Worker;
import java.util.concurrent.CompletableFuture;

/**
 * A job handed to a worker: sent ahead and waiting there, or started (its handler runs). Confined
 * to the queue's thread.
 */
final class HeldJob {
  final long id;
  final String payload;
  final int attempt;
  final Worker worker;
  final long dueAt;
  final boolean wasTimer;
  boolean started;

  /** A caller's {@code delete()} waiting for the worker to give the job back, or null. */
  CompletableFuture<Boolean> deleter;

  HeldJob(long id, String payload, int attempt, Worker worker, long dueAt, boolean wasTimer) {
    this.id = id;
    this.payload = payload;
    this.attempt = attempt;
    this.worker = worker;
    this.dueAt = dueAt;
    this.wasTimer = wasTimer;
  }
}
