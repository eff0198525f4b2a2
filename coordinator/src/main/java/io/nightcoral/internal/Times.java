package io.nightcoral.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Time arithmetic that saturates instead of overflowing: a time too far ahead to count becomes
 * {@link Long#MAX_VALUE} ("never"), one too far back {@link Long#MIN_VALUE}.
 */
public final class Times {
  private Times() {}

  /** {@code a + b}, saturated. */
  public static long plus(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  /** {@code a - b}, saturated. */
  public static long minus(long a, long b) {
    long difference = a - b;
    if (((a ^ b) & (a ^ difference)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return difference;
  }

  /** {@code a * b} for a non-negative {@code b}, saturated. */
  public static long times(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
      return low;
    }
    return (a < 0) != (b < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /** The duration in milliseconds, saturated. */
  public static long millis(Duration duration) {
    try {
      return duration.toMillis();
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The duration in nanoseconds, saturated. */
  public static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The instant in epoch milliseconds, saturated. */
  public static long epochMillis(Instant instant) {
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The instant of epoch milliseconds {@code millis}, clamped to what {@link Instant} can hold. */
  public static Instant instant(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
