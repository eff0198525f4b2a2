package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A unique key admits one unfinished job; higher priorities run first, FIFO within one. */
@ExtendWith(NoChildOutlivesTest.class)
class KeysAndPrioritiesTest {
  @TempDir Path dir;

  private final Map<Integer, Integer> runs = new ConcurrentHashMap<>();

  private NightCoralBuilder<TestJob> counting() {
    return TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("keys.db"))
        .fakeWorker(
            job -> {
              runs.merge(job.value(), 1, Integer::sum);
              return job;
            });
  }

  @Test
  void aThousandAddsOfAHundredKeysFromEightThreadsStoreAndRunAHundredJobs() throws Exception {
    try (NightCoral<TestJob> nc = counting().build()) {
      ExecutorService threads = Executors.newFixedThreadPool(8);
      List<Future<QueuedJob>> adds = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        int key = i % 100;
        adds.add(
            threads.submit(() -> nc.add(new TestJob("count", key), JobOptions.key("k-" + key))));
      }
      Map<Integer, Set<Long>> idsByKey = new ConcurrentHashMap<>();
      Map<Integer, Integer> created = new ConcurrentHashMap<>();
      for (int i = 0; i < adds.size(); i++) {
        QueuedJob handle = adds.get(i).get(30, TimeUnit.SECONDS);
        idsByKey.computeIfAbsent(i % 100, k -> ConcurrentHashMap.newKeySet()).add(handle.id());
        if (handle.created()) {
          created.merge(i % 100, 1, Integer::sum);
        }
      }
      threads.shutdown();
      assertEquals(100, nc.stats().queued(), "one job stored per key");
      idsByKey.forEach((key, ids) -> assertEquals(1, ids.size(), "handles of key " + key));
      assertEquals(100, created.size());
      created.forEach((key, count) -> assertEquals(1, count, "created() of key " + key));

      nc.launch(2);
      Await.get(nc.idle());
      assertEquals(100, runs.size());
      runs.forEach((value, count) -> assertEquals(1, count, "runs of job " + value));

      QueuedJob again = nc.add(new TestJob("count", 7), JobOptions.key("k-7"));
      assertTrue(again.created(), "the key is free once its job retired");
      assertFalse(idsByKey.get(7).contains(again.id()));
      Await.get(nc.idle());
      assertEquals(2, runs.get(7));
    }
  }

  @Test
  void aQueryWithATakenKeyGetsTheReplyOfTheJobThatHasIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("query.db"))
            .fakeWorker(
                job -> {
                  release.await(30, TimeUnit.SECONDS);
                  return new TestJob("done", job.value());
                })
            .build()) {
      nc.launch(1);
      QueuedQueryJob<TestJob> first = nc.addQuery(new TestJob("q", 1), JobOptions.key("q"));
      await().until(() -> nc.stats().running() == 1);
      QueuedQueryJob<TestJob> second = nc.addQuery(new TestJob("q", 2), JobOptions.key("q"));
      assertFalse(second.created());
      assertEquals(first.id(), second.id());
      release.countDown();
      assertEquals(new TestJob("done", 1), Await.get(first.reply()));
      assertEquals(new TestJob("done", 1), Await.get(second.reply()));
    }
  }

  @Test
  void deletingOrBuryingAJobFreesItsKeyAndTimersHoldKeysToo() throws Exception {
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("free.db"))
            .maxAttempts(1)
            .fakeWorker(
                job -> {
                  throw new IllegalStateException("always fails");
                })
            .build()) {
      QueuedJob timer =
          nc.addTimer(Duration.ofHours(1), new TestJob("t", 1), JobOptions.key("reminder"));
      QueuedJob same =
          nc.addTimer(Duration.ofMinutes(1), new TestJob("t", 2), JobOptions.key("reminder"));
      assertFalse(same.created());
      assertEquals(timer.id(), same.id());
      assertEquals(1, nc.stats().timers());
      assertTrue(timer.delete());
      QueuedJob fresh = nc.add(new TestJob("j", 3), JobOptions.key("reminder"));
      assertTrue(fresh.created());
      nc.launch(1);
      await().until(() -> nc.stats().dead() == 1);
      QueuedJob afterDeath =
          nc.addTimer(Duration.ofHours(1), new TestJob("j", 4), JobOptions.key("reminder"));
      assertTrue(afterDeath.created(), "a dead job frees its key");
      NightCoralException taken =
          assertThrows(NightCoralException.class, () -> nc.requeueDead(fresh.id()));
      assertTrue(taken.getMessage().contains("key"), taken.getMessage());
      assertEquals(1, nc.stats().dead(), "the dead job stays dead");
    }
  }

  @Test
  void badKeysAndKeyedBatchesAreRefusedAndNothingIsStored() {
    try (NightCoral<TestJob> nc = counting().build()) {
      TestJob job = new TestJob("count", 1);
      assertThrows(IllegalArgumentException.class, () -> JobOptions.key(""));
      assertThrows(IllegalArgumentException.class, () -> JobOptions.key("   "));
      assertThrows(NullPointerException.class, () -> JobOptions.key(null));
      IllegalArgumentException tooLong =
          assertThrows(
              IllegalArgumentException.class,
              () -> JobOptions.key("k".repeat(JobOptions.MAX_KEY_LENGTH + 1)));
      assertTrue(tooLong.getMessage().contains("at most"), tooLong.getMessage());
      assertThrows(NullPointerException.class, () -> nc.add(job, null));
      assertThrows(
          IllegalArgumentException.class, () -> nc.addAll(List.of(job), JobOptions.key("batch")));
      assertEquals(0, nc.stats().queued() + nc.stats().timers());
      assertEquals(JobOptions.key("a").withPriority(3), JobOptions.priority(3).withKey("a"));
    }
  }

  @Test
  void withTheOnlyWorkerBusyJobsRunInPriorityOrderAndFifoWithinAPriority() throws Exception {
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("priorities.db"))
            .workerConfig(Map.of("dir", dir.toString()))
            .build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("gate", 0));
      await().until(() -> Files.exists(dir.resolve("started-0")));
      List<Integer> priorities = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        priorities.add(List.of(-1, 0, 5).get(i % 3));
      }
      Collections.shuffle(priorities, new Random(42));
      List<long[]> added = new CopyOnWriteArrayList<>(); // value, priority, id
      for (int value = 1; value <= 300; value++) {
        int priority = priorities.get(value - 1);
        long id = nc.add(new TestJob("log", value), JobOptions.priority(priority)).id();
        added.add(new long[] {value, priority, id});
      }
      Files.createFile(dir.resolve("gate"));
      Await.get(nc.idle());
      List<Integer> ran =
          Files.readAllLines(dir.resolve("order")).stream().map(Integer::parseInt).toList();
      List<Integer> expected =
          added.stream()
              .sorted(Comparator.comparingLong((long[] a) -> -a[1]).thenComparingLong(a -> a[2]))
              .map(a -> (int) a[0])
              .toList();
      assertEquals(expected, ran);
    }
  }

  @Test
  void aHigherPriorityAddedLaterOvertakesJobsQueuedBeforeIt() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("overtake.db"))
            .fakeWorker(
                job -> {
                  if (job.value() == 0) {
                    release.await(30, TimeUnit.SECONDS);
                  }
                  order.add(job.value());
                  return null;
                })
            .build()) {
      nc.launch(1);
      nc.add(new TestJob("blocker", 0));
      await().until(() -> nc.stats().running() == 1);
      for (int i = 1; i <= 20; i++) {
        nc.add(new TestJob("low", i));
      }
      nc.add(new TestJob("urgent", 100), JobOptions.priority(10));
      nc.runDueWork(); // the jobs sent ahead of it come back, and it goes first
      release.countDown();
      Await.get(nc.idle());
      assertEquals(0, order.get(0));
      assertEquals(100, order.get(1), "the urgent job ran right after the blocker: " + order);
      assertEquals(22, Set.copyOf(order).size(), "every job ran once: " + order);
      assertEquals(22, order.size(), "every job ran once: " + order);
    }
  }
}
