package io.nightcoral;

import io.nightcoral.internal.store.JobStore;
import java.sql.SQLException;

/**
 * How many stored jobs are due, waiting for a time (timers and retries) or dead, kept current
 * without scanning the table: a job is due once its due time is at or before the horizon, the time
 * up to which fired timers have been counted. Confined to the queue's thread.
 */
final class JobCounts {
  private final JobStore store;
  private long horizon;
  private long nextDue = Long.MAX_VALUE;
  private long due;
  private long later;
  private long dead;

  JobCounts(JobStore store) {
    this.store = store;
  }

  /** Counts everything afresh from the database, as of {@code at}. */
  void recount(long at) throws SQLException {
    horizon = Math.max(horizon, at);
    due = store.countDue(horizon);
    later = store.countLater(horizon);
    dead = store.countDead();
    nextDue = store.nextDueAfter(horizon);
  }

  /**
   * Moves the horizon to {@code now}; returns how many timers fell due (a scan runs only when the
   * earliest one is due).
   */
  long advance(long now) throws SQLException {
    long fired = 0;
    if (now >= nextDue) {
      fired = store.countDueBetween(horizon, now);
      due += fired;
      later -= fired;
      nextDue = store.nextDueAfter(now);
    }
    horizon = Math.max(horizon, now);
    return fired;
  }

  long horizon() {
    return horizon;
  }

  /** When the queue must wake for the next timer, or {@link Long#MAX_VALUE}. */
  long nextDue() {
    return nextDue;
  }

  /** A job was stored due at {@code dueAt}; returns whether it is due now. */
  boolean stored(long dueAt) {
    if (dueAt <= horizon) {
      due++;
      return true;
    }
    later++;
    nextDue = Math.min(nextDue, dueAt);
    return false;
  }

  /** A job due at {@code dueAt} was deleted or finished. */
  void removed(long dueAt) {
    if (dueAt <= horizon) {
      due--;
    } else {
      later--;
    }
  }

  /** {@code jobs} due jobs finished and were deleted. */
  void finished(int jobs) {
    due -= jobs;
  }

  /** Another coordinator stored a timer due at {@code dueAt}: wake for it. */
  void timerAt(long dueAt) {
    nextDue = Math.min(nextDue, Math.max(dueAt, horizon + 1));
  }

  /** A due job was put off until {@code dueAt}. */
  void postponed(long dueAt) {
    due--;
    later++;
    nextDue = Math.min(nextDue, dueAt);
  }

  /** A due job was set aside as dead. */
  void buried() {
    due--;
    dead++;
  }

  /** A dead job was queued again, due now. */
  void revived() {
    dead--;
    due++;
  }

  /** A dead job was deleted. */
  void deadDeleted() {
    dead--;
  }

  /** Jobs due, running ones included. */
  long due() {
    return due;
  }

  long later() {
    return later;
  }

  long dead() {
    return dead;
  }
}
