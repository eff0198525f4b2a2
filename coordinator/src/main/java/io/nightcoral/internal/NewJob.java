package io.nightcoral.internal;

/**
 * A job to insert: its stored text, when it is due (at once, after a delay counted from the queue's
 * own clock when it is stored, or at a wall-clock time), its unique key (or null) and priority.
 *
 * @param payload the job's stored text
 * @param when which of the three due times
 * @param millis the delay, or the epoch milliseconds, or unused
 * @param key the unique key, or null
 * @param priority higher runs first
 */
public record NewJob(String payload, When when, long millis, String key, int priority) {
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
    return new NewJob(payload, When.NOW, 0, null, 0);
  }

  /** A job due {@code delayMillis} (at least 0) after it is stored. */
  public static NewJob after(String payload, long delayMillis) {
    return new NewJob(payload, When.AFTER, Math.max(0, delayMillis), null, 0);
  }

  /** A job due at epoch millisecond {@code epochMillis}. */
  public static NewJob at(String payload, long epochMillis) {
    return new NewJob(payload, When.AT, epochMillis, null, 0);
  }

  /** This job with unique key {@code key} (or none, for null) and priority {@code priority}. */
  public NewJob with(String key, int priority) {
    return new NewJob(payload, when, millis, key, priority);
  }

  /** This job with text {@code payload}. */
  public NewJob withPayload(String payload) {
    return new NewJob(payload, when, millis, key, priority);
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
