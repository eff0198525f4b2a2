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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The pool's own failures: too many deaths, children that cannot start. */
@ExtendWith(NoChildOutlivesTest.class)
class PoolFailureTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "pool.db").warmSpares(0); // the tests count and kill children
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
    ManualPoolTimer timer = new ManualPoolTimer();
    try (NightCoral<TestJob> nc = builder().poolTimer(() -> timer).build()) {
      nc.launch(FlakySetupHandler.class, 1);
      Files.createFile(dir.resolve("broken"));
      Children.workers().get(0).destroyForcibly(); // a child that was ready is replaced at once
      for (long millis : List.of(100L, 200L, 400L)) { // each failed start doubles the next wait
        Duration wait = Duration.ofMillis(millis);
        await().until(() -> timer.dueIn().equals(List.of(wait)));
        timer.advance(wait);
      }
      await().until(() -> timer.delays().size() == 5);
      assertEquals(
          Stream.of(0, 100, 200, 400, 800).map(Duration::ofMillis).toList(), timer.delays());
      assertEquals(5, HandlerDir.lines(dir, "setups"), "the first start and four failed ones");
      assertEquals(0, nc.stats().workers());
      Files.delete(dir.resolve("broken"));
      timer.advance(Duration.ofMillis(800));
      await().until(() -> nc.stats().workers() == 1);
      assertEquals(new TestJob("back", 1), Await.get(nc.addQuery(new TestJob("back", 1)).reply()));
    }
  }
}
