package io.nightcoral.internal.store;

/** A job to insert: its stored text, and when it is due ({@link #NOW} for at once). */
public record NewJob(String payload, long dueAt) {
  /** The due time of a job that should run at once; the queue stamps it with its own clock. */
  public static final long NOW = Long.MIN_VALUE;
}
