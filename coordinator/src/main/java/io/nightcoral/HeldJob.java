package io.nightcoral;

import io.nightcoral.internal.pool.Worker;
import io.nightcoral.internal.store.JobRow;
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
  final int priority;

  /** The coordinator that awaits this job's reply, if another one (a shared store), else null. */
  String replyTo;

  boolean started;

  /**
   * For a timer sent ahead of its due instant: the {@link System#nanoTime} instant before which its
   * worker must not start it; otherwise {@link Worker#NOW}.
   */
  long notBefore = Worker.NOW;

  /** When its handler started, in queue time (epoch milliseconds). */
  long startedAt;

  /** Asked back from its worker (for a better job, a delete, or a close), and not started. */
  boolean leaving;

  /** A caller's {@code delete()} waiting for the worker to give the job back, or null. */
  CompletableFuture<Boolean> deleter;

  HeldJob(
      long id,
      String payload,
      int attempt,
      Worker worker,
      long dueAt,
      boolean wasTimer,
      int priority) {
    this.id = id;
    this.payload = payload;
    this.attempt = attempt;
    this.worker = worker;
    this.dueAt = dueAt;
    this.wasTimer = wasTimer;
    this.priority = priority;
  }

  /** The next attempt of the stored job {@code row}, handed to {@code worker}. */
  static HeldJob of(JobRow row, Worker worker) {
    HeldJob held =
        new HeldJob(
            row.id(),
            row.payload(),
            row.attempts() + 1,
            worker,
            row.dueAt(),
            row.wasTimer(),
            row.priority());
    held.replyTo = row.replyTo();
    return held;
  }

  /** Whether this job runs before {@code job} in the queue's order. */
  boolean runsBefore(JobRow job) {
    return before(job.priority(), job.dueAt(), job.id());
  }

  /** Whether this job runs before {@code other} in the queue's order. */
  boolean runsBefore(HeldJob other) {
    return before(other.priority, other.dueAt, other.id);
  }

  private boolean before(int otherPriority, long otherDueAt, long otherId) {
    if (priority != otherPriority) {
      return priority > otherPriority;
    }
    if (dueAt != otherDueAt) {
      return dueAt < otherDueAt;
    }
    return id < otherId;
  }
}
