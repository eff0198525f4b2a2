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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job must fit in one frame to a worker: add refuses a larger one, and the writer survives one.
 */
@ExtendWith(NoChildOutlivesTest.class)
class JobSizeTest {
  @TempDir Path dir;

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
  void aPostedJobGrownTooLargeFailsTheAttemptThatPostedItAndStoresNothing() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("grown.db"))
            .maxAttempts(1)
            .workerConfig(Map.of("dir", dir.toString()))
            .localHandler( // a posted job can grow past the limit; add() never stores one
                job ->
                    job.task().equals("local")
                        ? new TestJob("x".repeat(Frames.MAX_BODY_BYTES), job.value())
                        : job)
            .build()) {
      nc.launch(TestHandler.class, 1);
      long poster = nc.add(new TestJob("post", 100)).id();
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(poster, dead.id());
      assertTrue(dead.lastError().contains("posted a job too large"), dead.lastError());
      Await.get(nc.idle());
      assertEquals(0, nc.stats().retired(), "none of its posts was stored");
      assertEquals(0, nc.stats().died(), "the child is not blamed");
      assertEquals(
          new TestJob("square", 16), Await.get(nc.addQuery(new TestJob("square", 4)).reply()));
    }
  }

  @Test
  void aStoredJobTooLargeToSendIsSetAsideWithoutCostingAChild() throws Exception {
    Path db = dir.resolve("stored.db");
    try (NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      nc.add(new TestJob("count", 1));
    }
    // a row written by other means (an older release, a hand edit): larger than any frame
    try (java.sql.Connection sql = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.PreparedStatement insert =
            sql.prepareStatement(
                "INSERT INTO jobs (payload, due_at, created_at) VALUES (?, 0, 0)")) {
      insert.setString(1, "{\"task\":\"" + "x".repeat(Frames.MAX_BODY_BYTES) + "\",\"value\":2}");
      insert.executeUpdate();
    }
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(db)
            .workerConfig(Map.of("dir", dir.toString()))
            .build()) {
      nc.launch(TestHandler.class, 1);
      await().until(() -> nc.stats().dead() == 1);
      assertTrue(nc.deadJobs().get(0).lastError().contains("may be at most"));
      Await.get(nc.idle());
      assertEquals(1, nc.stats().retired());
      assertEquals(0, nc.stats().died(), "the child is not blamed");
    }
  }
}
