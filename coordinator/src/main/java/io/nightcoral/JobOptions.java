package io.nightcoral;

import java.util.Objects;

/**
 * How a job is added: an optional unique key and a priority. Immutable; start from {@link #NONE},
 * {@link #key(String)} or {@link #priority(int)} and refine with {@link #withKey} and {@link
 * #withPriority}.
 *
 * <p>A <b>key</b> makes the job unique while it is unfinished (queued, a timer, running, or waiting
 * out a retry): adding another job with the same key stores nothing and returns the existing job's
 * handle, with {@link QueuedJob#created()} false. Once the job retired, died or was deleted, the
 * key is free again. A <b>priority</b> orders due jobs: higher runs first, first-in first-out
 * within one priority; the default is 0.
 */
public final class JobOptions {
  /** The longest a key may be, in characters. */
  public static final int MAX_KEY_LENGTH = 200;

  /** No key, priority 0. */
  public static final JobOptions NONE = new JobOptions(null, 0);

  private final String key;
  private final int priority;

  private JobOptions(String key, int priority) {
    this.key = key;
    this.priority = priority;
  }

  /** Options with unique key {@code key} and priority 0. */
  public static JobOptions key(String key) {
    return NONE.withKey(key);
  }

  /** Options with priority {@code priority} and no key. */
  public static JobOptions priority(int priority) {
    return NONE.withPriority(priority);
  }

  /**
   * These options with unique key {@code key}: not blank, at most {@link #MAX_KEY_LENGTH}
   * characters.
   */
  public JobOptions withKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("a job's key must not be blank");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "a job's key may be at most " + MAX_KEY_LENGTH + " characters, was " + key.length());
    }
    return new JobOptions(key, priority);
  }

  /** These options with priority {@code priority} (higher runs first). */
  public JobOptions withPriority(int priority) {
    return new JobOptions(key, priority);
  }

  /** The unique key, or null for none. */
  public String key() {
    return key;
  }

  /** The priority. */
  public int priority() {
    return priority;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobOptions other
        && Objects.equals(key, other.key)
        && priority == other.priority;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, priority);
  }

  @Override
  public String toString() {
    return "JobOptions[key=" + key + ", priority=" + priority + "]";
  }
}
