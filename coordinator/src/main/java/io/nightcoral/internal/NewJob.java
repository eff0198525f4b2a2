package io.nightcoral.internal;

/**
 * A job to insert: its stored text and when it is due, either at once, after a delay counted from
 * the queue's own clock when it is stored, or at a wall-clock time.
 *
 * @param payload the job's stored text
 * @param when which of the three
 * @param millis the delay, or the epoch milliseconds, or unused
 */
public record NewJob(String payload, When when, long millis) {
  /** How a job's due time is given. */
  public enum When {
    /** At once. */
    NOW,
    /** After {@code millis} milliseconds. */
    AFTER,
    /** At epoch millisecond {@code millis}. */
    AT
  }

  /** A job due at once. */
  public static NewJob now(String payload) {
    return new NewJob(payload, When.NOW, 0);
  }

  /** A job due {@code delayMillis} (at least 0) after it is stored. */
  public static NewJob after(String payload, long delayMillis) {
    return new NewJob(payload, When.AFTER, Math.max(0, delayMillis));
  }

  /** A job due at epoch millisecond {@code epochMillis}. */
  public static NewJob at(String payload, long epochMillis) {
    return new NewJob(payload, When.AT, epochMillis);
  }

  /** The due time, stored at queue time {@code now}. */
  public long dueAt(long now) {
    return switch (when) {
      case NOW -> now;
      case AFTER -> Times.plus(now, millis);
      case AT -> millis;
    };
  }
}
