package io.nightcoral;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delay before a failed job runs again: doubling from {@code first} up to {@code max}, with
 * jitter.
 */
record Backoff(Duration first, Duration max) {
  /**
   * The delay after the {@code failures}-th failed attempt: between 75 % and 100 % of the doubled
   * delay.
   */
  long delayMillis(int failures) {
    long firstMillis = first.toMillis();
    long maxMillis = max.toMillis();
    int doublings = Math.min(Math.max(failures - 1, 0), 62);
    long delay = firstMillis > (maxMillis >> doublings) ? maxMillis : firstMillis << doublings;
    return delay - (long) (delay * 0.25 * ThreadLocalRandom.current().nextDouble());
  }
}
