package io.nightcoral.bench;

/**
 * The benchmarks' job: a task name and two numbers whose meaning depends on the task.
 *
 * @param task what the handler does: {@link #NOOP}, {@link #NANOS}, {@link #TIMER} or {@link
 *     #FIRED}
 * @param a the first number (for a timer: its due time in epoch millis)
 * @param b the second number (for a fired timer: the handler's start in epoch micros)
 */
public record BenchJob(String task, long a, long b) {
  /** Does nothing and replies nothing. */
  public static final String NOOP = "noop";

  /** Replies with {@code System.nanoTime()} read at the start of the handler. */
  public static final String NANOS = "nanos";

  /** A timer due at {@code a}: the handler posts a {@link #FIRED} job with its start time. */
  public static final String TIMER = "timer";

  /**
   * Posted by a timer's handler: {@code a} is the timer's due time, {@code b} when the handler
   * started.
   */
  public static final String FIRED = "fired";

  /** A job of {@code task} with both numbers zero. */
  public static BenchJob of(String task) {
    return new BenchJob(task, 0, 0);
  }
}
