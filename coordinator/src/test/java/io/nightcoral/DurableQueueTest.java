package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableQueueTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("q.db"));
  }

  /** A fake worker that counts {@code started} down and never finishes a job. */
  private static FakeWorker<TestJob> stuck(CountDownLatch started) {
    return job -> {
      started.countDown();
      new CountDownLatch(1).await();
      return null;
    };
  }

  @Test
  void jobsStoredBeforeARestartRunExactlyOnceAfterIt() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      for (int i = 0; i < 1_000; i++) {
        nc.add(new TestJob("count", i));
      }
      assertEquals(1_000, nc.stats().queued());
    }
    CountingWorker<TestJob, Integer> worker = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = builder().fakeWorker(worker).build()) {
      assertEquals(1_000, nc.stats().queued());
      nc.launch(3);
      Await.get(nc.idle());
      worker.assertEachRanOnce(1_000);
      assertEquals(0, nc.stats().queued());
      assertEquals(1_000, nc.stats().retired());
    }
  }

  @Test
  void tenThousandJobsThroughTheFakeWorkerWithNoLossAndNoDuplicate() throws Exception {
    CountingWorker<TestJob, Integer> worker = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = builder().fakeWorker(worker).build()) {
      nc.launch(4);
      List<TestJob> batch = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        if (i % 2 == 0) {
          nc.add(new TestJob("count", i));
        } else {
          batch.add(new TestJob("count", i));
        }
      }
      nc.addAll(batch);
      // 10,000 jobs take ~10 s on PostgreSQL, and several times that on a loaded machine
      Await.get(nc.idle(), Duration.ofMinutes(3));
      worker.assertEachRanOnce(10_000);
      Stats stats = nc.stats();
      assertEquals(10_000, stats.retired());
      assertEquals(0, stats.queued());
      assertEquals(0, stats.running());
      assertEquals(4, stats.idleWorkers());
    }
  }

  @Test
  void aJobWhoseAttemptNeverFinishedRunsAgainAfterReopening() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    try (NightCoral<TestJob> nc =
        builder().closeTimeout(Duration.ofMillis(200)).fakeWorker(stuck(started)).build()) {
      nc.launch(1);
      nc.add(new TestJob("stuck", 7));
      assertTrue(started.await(30, TimeUnit.SECONDS));
    }
    CountingWorker<TestJob, Integer> worker = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = builder().fakeWorker(worker).build()) {
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(1, worker.runs(7));
    }
  }

  @Test
  void deleteBeforeAWorkerStartsWinsAndAfterReturnsFalse() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountingWorker<TestJob, Integer> worker =
        CountingWorker.byValue(
            (job, run) -> {
              started.countDown();
              release.await();
              return null;
            });
    try (NightCoral<TestJob> nc = builder().fakeWorker(worker).build()) {
      QueuedJob notStarted = nc.add(new TestJob("never", 1));
      assertTrue(notStarted.delete());
      assertFalse(notStarted.delete(), "second delete finds nothing");
      nc.launch(1);
      QueuedJob running = nc.add(new TestJob("runs", 2));
      assertTrue(started.await(30, TimeUnit.SECONDS));
      assertFalse(running.delete(), "a running job cannot be deleted");
      release.countDown();
      Await.get(nc.idle());
      assertFalse(running.delete(), "a finished job cannot be deleted");
      assertEquals(Map.of(2, 1), worker.counts(), "the deleted job never ran");
    }
  }

  @Test
  void queryRepliesCarryTheReturnValueOrTheFailure() throws Exception {
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .fakeWorker(
                job -> {
                  if (job.task().equals("boom")) {
                    throw new IllegalStateException("boom " + job.value());
                  }
                  return new TestJob("square", job.value() * job.value());
                })
            .build()) {
      nc.launch(2);
      assertEquals(
          new TestJob("square", 49), Await.get(nc.addQuery(new TestJob("square", 7)).reply()));
      QueuedQueryJob<TestJob> failing = nc.addQuery(new TestJob("boom", 3));
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> Await.get(failing.reply()));
      JobFailedException failed = assertInstanceOf(JobFailedException.class, e.getCause());
      assertEquals(failing.id(), failed.jobId());
      assertEquals(IllegalStateException.class.getName(), failed.errorClass());
      assertEquals("boom 3", failed.errorMessage());
      assertTrue(failed.childStack().contains("IllegalStateException"), failed.childStack());
    }
  }

  @Test
  void aReplyTimesOutButTheJobGoesOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (NightCoral<TestJob> nc =
        builder()
            .replyTimeout(Duration.ofMillis(100))
            .fakeWorker(
                job -> {
                  release.await();
                  return job;
                })
            .build()) {
      nc.launch(1);
      QueuedQueryJob<TestJob> query = nc.addQuery(new TestJob("slow", 1));
      ExecutionException e = assertThrows(ExecutionException.class, () -> Await.get(query.reply()));
      assertInstanceOf(TimeoutException.class, e.getCause());
      assertEquals(1, nc.stats().running());
      release.countDown();
      Await.get(nc.idle());
      assertEquals(1, nc.stats().retired());
    }
  }

  @Test
  void aFailingJobIsRetriedThenSetAsideAndCanBeRequeuedOrDeleted() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<WorkerPoolError> errors = new ArrayList<>();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(3)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(4))
            .notifyError(errors::add)
            .fakeWorker(
                job -> {
                  calls.incrementAndGet();
                  if (job.task().equals("poison")) {
                    throw new IllegalArgumentException("bad job " + job.value());
                  }
                  return null;
                })
            .build()) {
      nc.launch(1);
      long poison = nc.add(new TestJob("poison", 1)).id();
      long other = nc.add(new TestJob("poison", 2)).id();
      await().until(() -> nc.stats().dead() == 2);
      assertEquals(6, calls.get());
      List<DeadJob<TestJob>> dead = nc.deadJobs();
      assertEquals(List.of(poison, other), dead.stream().map(DeadJob::id).toList());
      assertEquals(new TestJob("poison", 1), dead.get(0).job());
      assertEquals(3, dead.get(0).attempts());
      assertTrue(dead.get(0).lastError().contains("bad job 1"), dead.get(0).lastError());
      await().until(() -> errors.size() == 2);
      assertEquals(WorkerPoolError.Kind.JOB_DEAD, errors.get(0).kind());

      assertTrue(nc.requeueDead(poison));
      assertFalse(nc.requeueDead(poison), "no longer dead");
      await().until(() -> nc.stats().dead() == 2);
      assertEquals(9, calls.get(), "requeued with a fresh attempt count");
      assertTrue(nc.deleteDead(other));
      assertFalse(nc.deleteDead(other));
      assertEquals(List.of(poison), nc.deadJobs().stream().map(DeadJob::id).toList());
      assertEquals(1, nc.stats().dead());
    }
  }

  @Test
  void theAttemptCountSurvivesAReopen() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    FakeWorker<TestJob> alwaysFails =
        job -> {
          calls.incrementAndGet();
          throw new IllegalStateException("fails");
        };
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(2)
            .retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
            .fakeWorker(alwaysFails)
            .build()) {
      nc.launch(1);
      nc.add(new TestJob("fails", 1));
      await().until(() -> nc.stats().timers() == 1);
    }
    MutableClock clock = new MutableClock(java.time.Instant.now().plus(Duration.ofHours(2)));
    try (NightCoral<TestJob> nc =
        builder().maxAttempts(2).clock(clock).fakeWorker(alwaysFails).build()) {
      nc.launch(1);
      await().until(() -> nc.stats().dead() == 1);
      assertEquals(2, calls.get(), "one attempt before the reopen, one after");
      assertEquals(2, nc.deadJobs().get(0).attempts());
    }
  }

  @Test
  void aJobThatKeepsTakingTheServerDownEndsDead() throws Exception {
    for (int run = 0; run < 2; run++) {
      CountDownLatch started = new CountDownLatch(1);
      try (NightCoral<TestJob> nc =
          builder()
              .maxAttempts(2)
              .closeTimeout(Duration.ofMillis(100))
              .fakeWorker(stuck(started))
              .build()) {
        if (run == 0) {
          nc.add(new TestJob("hangs", 1));
        }
        nc.launch(1);
        assertTrue(started.await(30, TimeUnit.SECONDS));
      }
    }
    AtomicInteger calls = new AtomicInteger();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(2)
            .fakeWorker(
                job -> {
                  calls.incrementAndGet();
                  return null;
                })
            .build()) {
      nc.launch(1);
      await().until(() -> nc.stats().dead() == 1);
      assertEquals(0, calls.get());
      assertTrue(nc.deadJobs().get(0).lastError().contains("stopped while the job ran"));
    }
  }
}
