package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs sent ahead to a worker (read-ahead) are still only queued: they can be deleted, they are not
 * counted as running, their wait is not handler time, and they do not disturb the deadline of the
 * job before them.
 */
@ExtendWith(NoChildOutlivesTest.class)
class ReadAheadTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "ahead.db").warmSpares(0); // the tests count and kill children
  }

  @Test
  void deletingAJobSentAheadToABusyWorkerTakesItBackAndItNeverRuns() throws Exception {
    try (NightCoral<TestJob> nc = builder().workerPrefetch(64).build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("gate", 0));
      await().until(() -> nc.stats().running() == 1); // the gate holds the only worker
      List<QueuedJob> quick = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        quick.add(nc.add(new TestJob("record", i)));
      }
      assertEquals(1, nc.stats().running());
      assertEquals(50, nc.stats().queued(), "the jobs sent ahead are queued");
      for (int i = 1; i <= 50; i += 2) {
        assertTrue(quick.get(i - 1).delete(), "job " + i + " was sent ahead but never started");
      }
      assertEquals(25, nc.stats().queued());
      HandlerDir.openGate(dir);
      Await.get(nc.idle());
      for (int i = 1; i <= 50; i++) {
        assertEquals(i % 2 == 1 ? 0 : 1, HandlerDir.runs(dir, i), "runs of job " + i);
      }
      assertEquals(26, nc.stats().retired());
      assertEquals(0, nc.stats().queued());
      assertEquals(0, nc.stats().dead());
    }
  }

  @Test
  void runningNeverCountsMoreJobsThanThereAreWorkers() throws Exception {
    try (NightCoral<TestJob> nc = builder().workerPrefetch(64).build()) {
      nc.launch(TestHandler.class, 2);
      List<Stats> tooMany = new CopyOnWriteArrayList<>();
      AtomicInteger samples = new AtomicInteger();
      ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
      try {
        poller.scheduleAtFixedRate(
            () -> {
              Stats s = nc.stats();
              samples.incrementAndGet();
              if (s.running() > 2 || s.running() > s.workers()) {
                tooMany.add(s);
              }
            },
            0,
            2,
            TimeUnit.MILLISECONDS);
        List<TestJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
          jobs.add(new TestJob("count", i));
        }
        for (int from = 0; from < jobs.size(); from += 100) {
          nc.addAll(jobs.subList(from, from + 100));
        }
        Await.get(nc.idle());
      } finally {
        poller.shutdownNow();
      }
      assertEquals(3_000, nc.stats().retired());
      assertTrue(samples.get() > 0);
      assertEquals(List.of(), tooMany.stream().limit(5).toList());
    }
  }

  @Test
  void runningNeverCountsMoreJobsThanThereAreWorkersWhileAChildDies() throws Exception {
    try (NightCoral<TestJob> nc = builder().workerPrefetch(64).build()) {
      nc.launch(TestHandler.class, 2);
      nc.add(new TestJob("gate", 1));
      nc.add(new TestJob("gate", 2));
      await().until(() -> nc.stats().running() == 2);
      List<Stats> tooMany = new CopyOnWriteArrayList<>();
      ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
      AtomicBoolean adding = new AtomicBoolean(true);
      CompletableFuture<Void> adder = // keeps the queue turning while the child dies
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; adding.get(); i++) {
                  nc.add(new TestJob("count", i));
                }
              });
      try {
        poller.scheduleAtFixedRate(
            () -> {
              Stats s = nc.stats();
              if (s.running() > s.workers()) {
                tooMany.add(s);
              }
            },
            0,
            200,
            TimeUnit.MICROSECONDS);
        Children.workers().get(0).destroyForcibly();
        await().until(() -> nc.stats().died() == 1 && nc.stats().workers() == 2);
      } finally {
        adding.set(false);
        poller.shutdownNow();
        HandlerDir.openGate(dir);
      }
      Await.get(adder);
      Await.get(nc.idle());
      assertEquals(List.of(), tooMany.stream().limit(5).toList());
    }
  }

  @Test
  void runningIsTheNumberOfHandlersRunningWhenEveryWorkerIsBlocked() throws Exception {
    try (NightCoral<TestJob> nc = builder().workerPrefetch(64).build()) {
      nc.launch(TestHandler.class, 2);
      nc.add(new TestJob("gate", 1));
      nc.add(new TestJob("gate", 2));
      for (int i = 0; i < 5; i++) {
        nc.add(new TestJob("count", i));
      }
      await()
          .until(
              () ->
                  Files.exists(dir.resolve("started-1")) && Files.exists(dir.resolve("started-2")));
      await().until(() -> nc.stats().running() == 2);
      Stats blocked = nc.stats();
      assertEquals(2, blocked.running(), blocked.toString());
      assertEquals(5, blocked.queued(), "jobs sent ahead count as queued: " + blocked);
      assertEquals(0, blocked.idleWorkers(), blocked.toString());
      HandlerDir.openGate(dir);
      Await.get(nc.idle());
      assertEquals(0, nc.stats().running());
      assertEquals(7, nc.stats().retired());
    }
  }

  @Test
  void jobTimeIsTheHandlersTimeNotTheWaitInTheWorkersReadAhead() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (NightCoral<TestJob> nc = builder().workerPrefetch(64).metrics(registry).build()) {
      nc.launch(TestHandler.class, 1);
      List<TestJob> jobs = new ArrayList<>();
      jobs.add(new TestJob("sleep", 100));
      for (int i = 0; i < 9; i++) {
        jobs.add(new TestJob("count", i));
      }
      nc.addAll(jobs); // one worker, nothing measured yet: all ten are sent ahead at once
      Await.get(nc.idle());
      Timer jobTime = registry.get("nightcoral.pool.job.time").timer();
      assertEquals(10, jobTime.count());
      double sleep = jobTime.max(TimeUnit.MILLISECONDS);
      assertTrue(sleep >= 100, "the sleep was timed at " + sleep + " ms");
      // each of the nine others waited out the sleep: had the wait counted, each would be timed at
      // about as long as the sleep
      double others = jobTime.totalTime(TimeUnit.MILLISECONDS) - sleep;
      assertTrue(
          others < 9 * sleep / 2,
          "the nine jobs that waited behind a sleep of " + sleep + " ms took " + others + " ms");
    }
  }

  @Test
  void theReplyOfAJobDoesNotCancelTheDeadlineOfTheJobSentAheadAfterIt() throws Exception {
    ManualPoolTimer timer = new ManualPoolTimer();
    Duration timeout = Duration.ofSeconds(10);
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .workerPrefetch(64)
            .jobTimeout(timeout)
            .poolTimer(() -> timer)
            .build()) {
      nc.launch(TestHandler.class, 1);
      List<QueuedJob> both =
          nc.addAll(List.of(new TestJob("count", 0), new TestJob("hang", 0))); // sent together
      long hanging = both.get(1).id();
      await().until(() -> nc.stats().retired() == 1 && nc.stats().running() == 1);
      timer.advance(timeout);
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(hanging, dead.id());
      assertEquals(1, dead.attempts(), "the timed-out attempt is charged");
      assertTrue(dead.lastError().contains("job timeout"), dead.lastError());
      assertEquals(1, nc.stats().retired(), "the quick job is retired");
      assertFalse(nc.stats().queued() > 0);
    }
  }
}
