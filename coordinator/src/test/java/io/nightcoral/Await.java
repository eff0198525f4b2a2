package io.nightcoral;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The tests' one way to wait: for a condition or a future, always with a bound. */
final class Await {
  static final Duration LIMIT = Duration.ofSeconds(30);

  private Await() {}

  /** Waits (polling every few milliseconds) up to {@link #LIMIT}. */
  static ConditionFactory await() {
    return Awaitility.await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofMillis(5))
        .pollDelay(Duration.ZERO);
  }

  /** The future's value, failing the test if it takes longer than {@link #LIMIT}. */
  static <T> T get(CompletableFuture<T> future) throws Exception {
    return get(future, LIMIT);
  }

  /** The future's value, failing the test if it takes longer than {@code limit}. */
  static <T> T get(CompletableFuture<T> future, Duration limit) throws Exception {
    return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }
}
