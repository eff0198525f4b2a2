package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a handler posts is stored only if its attempt succeeds, is seen by the localHandler only
 * then, and is bounded per run.
 */
@ExtendWith(NoChildOutlivesTest.class)
class PostLimitsTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "posts.db");
  }

  @Test
  void theLocalHandlerNeverSeesThePostsOfAFailedAttempt() throws Exception {
    List<TestJob> seen = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(2)
            .localHandler(
                job -> {
                  seen.add(job);
                  return job.task().equals("local") ? null : job;
                })
            .build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("post-then-throw", 100)); // posts 101, then fails; twice
      nc.add(new TestJob("post", 200)); // posts 201, 202 (a timer) and 203, and succeeds
      await().until(() -> nc.stats().dead() == 1 && nc.stats().retired() == 3);
      assertEquals(
          List.of(201, 202, 203), seen.stream().map(TestJob::value).sorted().toList(), "seen");
      assertEquals(0, nc.stats().timers());
      assertEquals(0, nc.stats().queued());
    }
  }

  @Test
  void aHandlerThatPostsMoreThanTenThousandJobsFailsAndNoneOfItsPostsIsStored() throws Exception {
    try (NightCoral<TestJob> nc = builder().maxAttempts(1).build()) {
      nc.launch(TestHandler.class, 2);
      QueuedQueryJob<TestJob> poster = nc.addQuery(new TestJob("post-many", 10_001));
      CompletableFuture<List<QueuedJob>> others = othersAdding(nc, 100);
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> Await.get(poster.reply()));
      JobFailedException failed = assertInstanceOf(JobFailedException.class, e.getCause());
      assertTrue(failed.errorMessage().contains("at most 10000"), failed.errorMessage());
      assertEquals(100, Await.get(others).size());
      Await.get(nc.idle());
      Stats stats = nc.stats();
      assertEquals(0, stats.timers(), "none of the posts is stored: " + stats);
      assertEquals(0, stats.queued(), stats.toString());
      assertEquals(100, stats.retired(), "the other callers' jobs ran: " + stats);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(poster.id(), dead.id());
      assertTrue(dead.lastError().contains("at most 10000"), dead.lastError());
    }
  }

  @Test
  void aHandlerMayPostTenThousandJobsWhileOthersAdd() throws Exception {
    try (NightCoral<TestJob> nc = builder().maxAttempts(1).build()) {
      nc.launch(TestHandler.class, 2);
      QueuedQueryJob<TestJob> poster = nc.addQuery(new TestJob("post-many", 10_000));
      CompletableFuture<List<QueuedJob>> others = othersAdding(nc, 100);
      assertNull(Await.get(poster.reply()));
      assertEquals(100, Await.get(others).size());
      Await.get(nc.idle());
      assertEquals(10_000, nc.stats().timers());
      assertEquals(101, nc.stats().retired());
    }
  }

  /** Another caller adding {@code count} quick jobs, one by one, on a thread of its own. */
  private static CompletableFuture<List<QueuedJob>> othersAdding(
      NightCoral<TestJob> nc, int count) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<QueuedJob> added = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            added.add(nc.add(new TestJob("count", i)));
          }
          return added;
        });
  }
}
