package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, waits (bounded) for every worker child of this JVM to be gone, and fails the
 * test if one is still alive: {@code @ExtendWith(NoChildOutlivesTest.class)}.
 */
final class NoChildOutlivesTest implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    Await.await()
        .untilAsserted(
            () -> assertEquals(List.of(), Children.live(), "worker children alive after the test"));
  }
}
