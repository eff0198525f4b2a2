package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool's own failures: too many deaths, children that cannot start. */
class PoolFailureTest {
  @TempDir Path dir;

  @AfterEach
  void noChildOutlivesItsTest() {
    await().until(() -> ChildProcessTest.liveChildren().isEmpty());
  }

  private NightCoralBuilder<TestJob> builder() {
    return NightCoral.builder(TestJob.class)
        .databaseFile(dir.resolve("pool.db"))
        .workerConfig(Map.of("dir", dir.toString()));
  }

  @Test
  void tooManyDeathsStopThePoolFailPendingRepliesAndKeepStoredJobs() throws Exception {
    List<WorkerPoolError> errors = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(100)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .workerDeathThreshold(3)
            .workerDeathDuration(Duration.ofMinutes(1))
            .notifyError(errors::add)
            .build()) {
      nc.launch(TestHandler.class, 2);
      QueuedQueryJob<TestJob> pending = nc.addQuery(new TestJob("crash", 1));
      await()
          .until(
              () -> errors.stream().anyMatch(e -> e.kind() == WorkerPoolError.Kind.POOL_STOPPED));
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> Await.get(pending.reply()));
      NightCoralException stopped = assertInstanceOf(NightCoralException.class, e.getCause());
      assertTrue(stopped.getMessage().contains("3 workers died"), stopped.getMessage());
      await().until(() -> nc.stats().workers() == 0);
      nc.add(new TestJob("count", 2));
      assertEquals(2, nc.stats().queued() + nc.stats().timers(), "both jobs still stored");
    }
    try (NightCoral<TestJob> nc = builder().build()) {
      assertEquals(2, nc.stats().queued() + nc.stats().timers());
      assertEquals(0, nc.stats().dead());
    }
  }

  @Test
  void aChildThatKeepsFailingToStartIsRetriedWithAGrowingDelay() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.launch(FlakySetupHandler.class, 1);
      Files.createFile(dir.resolve("broken"));
      ChildProcessTest.workerChildren().get(0).destroyForcibly();
      // four failed starts take at least 100 + 200 + 400 ms of waiting between them
      long since = System.nanoTime();
      await().until(() -> setups() >= 5);
      long waitedMillis = (System.nanoTime() - since) / 1_000_000;
      assertTrue(
          waitedMillis >= 700, "restarts of a broken child came too fast: " + waitedMillis + " ms");
      assertEquals(0, nc.stats().workers());
      Files.delete(dir.resolve("broken"));
      await().until(() -> nc.stats().workers() == 1);
      assertEquals(new TestJob("back", 1), Await.get(nc.addQuery(new TestJob("back", 1)).reply()));
    }
  }

  private long setups() throws Exception {
    Path log = dir.resolve("setups");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }
}
