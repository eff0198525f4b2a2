package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs in a surefire execution whose class path has no Micrometer at all. */
class NoMicrometerTest {
  @TempDir Path dir;

  @Test
  void theCoordinatorRunsWithoutMicrometer() throws Exception {
    assertThrows(
        ClassNotFoundException.class,
        () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"));
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(dir.resolve("plain.db")).build()) {
      nc.launch(TestHandler.class, 2);
      nc.addTimer(Duration.ofMillis(20), new TestJob("count", 1));
      assertEquals(
          new TestJob("square", 16), Await.get(nc.addQuery(new TestJob("square", 4)).reply()));
      Await.await().until(() -> nc.stats().retired() == 2);
      assertEquals(2, nc.stats().workers());
    }
  }
}
