package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code synchronous=FULL}, a turn that only records what workers reported commits without an
 * fsync; the queue syncs it within its delay, before any caller's answer, and before {@code idle()}
 * completes. A crash of the process loses none of it.
 */
class DeferredSyncTest {
  @TempDir Path dir;

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountingWorker<TestJob, Integer> worker =
      CountingWorker.byValue(
          (job, run) -> {
            if (job.value() == 1 && !release.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never released");
            }
            return null;
          });

  private NightCoral<TestJob> open(Synchronous synchronous) {
    return NightCoral.builder(TestJob.class)
        .databaseFile(dir.resolve("sync.db"))
        .synchronous(synchronous)
        .fakeWorker(worker)
        .build();
  }

  @Test
  void aFinishWaitsForTheSyncAndIdleCompletesOnlyOnceItIsDone() throws Exception {
    try (NightCoral<TestJob> nc = open(Synchronous.FULL)) {
      nc.syncDelayForTest(Duration.ofHours(1));
      // no worker yet: nothing else commits before the assertion
      nc.add(new TestJob("held", 1));
      assertFalse(nc.syncPendingForTest(), "an add returns once synced");
      nc.launch(1);
      Await.await().until(() -> worker.runs(1) == 1);
      CompletableFuture<Void> idle = nc.idle(); // registered while job 1 runs
      release.countDown();
      Await.get(idle);
      assertFalse(nc.syncPendingForTest(), "idle() completes after the sync");

      nc.add(new TestJob("quick", 2));
      Await.await().until(() -> nc.stats().retired() == 2);
      assertTrue(nc.syncPendingForTest(), "the finish alone committed without a sync");
      nc.syncDelayForTest(Duration.ofMillis(50)); // a call: it syncs
      assertFalse(nc.syncPendingForTest(), "a caller's turn syncs what waited");

      nc.add(new TestJob("quick", 3));
      Await.await().until(() -> nc.stats().retired() == 3);
      Await.await().until(() -> !nc.syncPendingForTest()); // by the queue itself, no caller
    }
    assertEquals(Map.of(1, 1, 2, 1, 3, 1), worker.counts());
  }

  @Test
  void withSynchronousNormalNothingWaitsForASync() throws Exception {
    release.countDown();
    try (NightCoral<TestJob> nc = open(Synchronous.NORMAL)) {
      nc.syncDelayForTest(Duration.ofHours(1));
      nc.launch(1);
      nc.add(new TestJob("quick", 2));
      Await.await().until(() -> nc.stats().retired() == 1);
      assertFalse(nc.syncPendingForTest());
    }
  }

  @Test
  void finishesCommittedWithoutASyncSurviveAReopen() throws Exception {
    release.countDown();
    try (NightCoral<TestJob> nc = open(Synchronous.FULL)) {
      nc.syncDelayForTest(Duration.ofHours(1));
      nc.launch(2);
      for (int i = 2; i < 50; i++) {
        nc.add(new TestJob("quick", i));
      }
      Await.await().until(() -> nc.stats().retired() == 48);
    }
    try (NightCoral<TestJob> nc = open(Synchronous.FULL)) {
      nc.launch(2);
      Await.get(nc.idle());
      assertEquals(0, nc.stats().queued() + nc.stats().retired());
    }
    assertEquals(48, worker.counts().size());
    worker.counts().values().forEach(runs -> assertEquals(1, runs));
  }
}
