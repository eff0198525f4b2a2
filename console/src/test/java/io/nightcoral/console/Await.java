package io.nightcoral.console;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The tests' one way to wait: for a condition, always with a bound. */
final class Await {
  static final Duration LIMIT = Duration.ofSeconds(30);

  private Await() {}

  /** Waits (polling every few milliseconds) up to {@link #LIMIT}. */
  static ConditionFactory await() {
    return Awaitility.await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofMillis(10))
        .pollDelay(Duration.ZERO);
  }
}
