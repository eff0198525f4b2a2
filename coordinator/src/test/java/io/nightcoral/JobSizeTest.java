package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.protocol.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job must fit in one frame to a worker: add refuses a larger one, and the writer survives one.
 */
class JobSizeTest {
  @TempDir Path dir;

  @AfterEach
  void noChildOutlivesItsTest() {
    await().until(() -> ChildProcessTest.liveChildren().isEmpty());
  }

  private static void assertRefused(Executable add) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, add);
    assertTrue(e.getMessage().contains(Integer.toString(Frames.MAX_BODY_BYTES)), e.getMessage());
  }

  @Test
  void everyAddRefusesAJobLargerThanAFrameAndStoresNothing() {
    TestJob huge = new TestJob("x".repeat(Frames.MAX_BODY_BYTES), 1);
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(dir.resolve("size.db")).build()) {
      assertRefused(() -> nc.add(huge));
      assertRefused(() -> nc.addAll(List.of(new TestJob("count", 1), huge)));
      assertRefused(() -> nc.addQuery(huge));
      assertRefused(() -> nc.addTimer(Duration.ofMinutes(1), huge));
      assertRefused(() -> nc.addTimerAt(Instant.now(), huge));
      assertEquals(0, nc.stats().queued() + nc.stats().timers());
    }
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(dir.resolve("size.db")).build()) {
      assertEquals(0, nc.stats().queued() + nc.stats().timers(), "nothing was stored");
    }
  }

  @Test
  void theLimitCountsUtf8BytesAndLeavesRoomForTheFrame() {
    try (NightCoral<String> nc =
        NightCoral.builderForStrings().databaseFile(dir.resolve("utf8.db")).build()) {
      // fewer characters than the limit, but two bytes each in UTF-8
      assertRefused(() -> nc.add("\u00e9".repeat(Frames.MAX_BODY_BYTES / 2 + 1)));
      assertRefused(() -> nc.add("x".repeat(Frames.MAX_BODY_BYTES)));
      assertEquals(0, nc.stats().queued());
      nc.add("x".repeat(Frames.MAX_BODY_BYTES - 64 * 1024));
      assertEquals(1, nc.stats().queued());
    }
  }

  @Test
  void aJobTooLargeToSendCostsItsChildWithAClearReasonAndTheWriterSurvives() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("writer.db"))
            .maxAttempts(1)
            .workerPrefetch(1)
            .pingFrequency(Duration.ofMillis(200))
            .pingTimeout(Duration.ofSeconds(10))
            .workerConfig(Map.of("dir", dir.toString()))
            .localHandler( // a posted job can grow past the limit; add() never stores one
                job ->
                    job.task().equals("local")
                        ? new TestJob("x".repeat(Frames.MAX_BODY_BYTES), job.value())
                        : null)
            .build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("post", 100));
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(103, dead.job().value());
      assertTrue(dead.lastError().contains("exceeds the limit"), dead.lastError());
      assertEquals(1, nc.stats().retired(), "the job that posted it");
      assertEquals(
          new TestJob("square", 16), Await.get(nc.addQuery(new TestJob("square", 4)).reply()));
    }
  }
}
