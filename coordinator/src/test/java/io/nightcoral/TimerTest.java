package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimerTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("timers.db"));
  }

  @Test
  void timersFireAndNeverEarly() throws Exception {
    Map<Integer, Long> firedAt = new ConcurrentHashMap<>();
    try (NightCoral<TestJob> nc =
        builder()
            .fakeWorker(
                job -> {
                  firedAt.put(job.value(), System.currentTimeMillis());
                  return null;
                })
            .build()) {
      nc.launch(2);
      Map<Integer, Long> dueAt = new ConcurrentHashMap<>();
      for (int i = 0; i < 20; i++) {
        long delay = 500 + 10L * i;
        long due = System.currentTimeMillis() + delay;
        nc.addTimer(Duration.ofMillis(delay), new TestJob("timer", i));
        dueAt.put(i, due);
      }
      assertEquals(20, nc.stats().timers());
      await().until(() -> firedAt.size() == 20);
      dueAt.forEach(
          (i, due) -> assertTrue(firedAt.get(i) >= due, "timer " + i + " fired before it was due"));
      assertEquals(0, nc.stats().timers());
    }
  }

  @Test
  void aTimerSentAheadToItsWorkerStartsNoSoonerThanDueAndCanStillBeDeleted() throws Exception {
    assumeFalse(TestStore.postgres(), "timers go ahead to workers only on SQLite");
    Map<Integer, Instant> startedAt = new ConcurrentHashMap<>();
    try (NightCoral<TestJob> nc =
        builder()
            .timerLead(Duration.ofSeconds(2)) // stretched from 5 ms, to act while it waits
            .fakeWorker(
                job -> {
                  startedAt.put(job.value(), Instant.now());
                  return null;
                })
            .build()) {
      nc.launch(1);
      Instant due = Instant.ofEpochMilli(System.currentTimeMillis() + 800);
      nc.addTimerAt(due, new TestJob("ahead", 1));
      await().until(() -> nc.stats().idleWorkers() == 0); // the worker holds it
      assertTrue(startedAt.isEmpty() || !startedAt.get(1).isBefore(due), "started early");
      await().until(() -> startedAt.containsKey(1));
      assertFalse(startedAt.get(1).isBefore(due), "started " + startedAt.get(1) + ", due " + due);

      await().until(() -> nc.stats().idleWorkers() == 1);
      QueuedJob deleted = nc.addTimerAt(Instant.now().plusMillis(1_500), new TestJob("deleted", 2));
      await().until(() -> nc.stats().idleWorkers() == 0); // held by the worker, not started
      assertTrue(deleted.delete(), "taken back from the worker before it started");
      nc.addTimer(Duration.ofMillis(1_700), new TestJob("marker", 3));
      await().until(() -> startedAt.containsKey(3));
      assertFalse(startedAt.containsKey(2), "the deleted timer never ran");
      // the marker's handler may start before the queue has heard that it did
      await().until(() -> nc.stats().timers() == 0);
    }
  }

  @Test
  void aTimerThatFellDueWhileTheServerWasDownFiresAtStart() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.addTimer(Duration.ofMillis(1), new TestJob("missed", 1));
      nc.addTimer(Duration.ofHours(1), new TestJob("later", 2));
    }
    CountingWorker<TestJob, Integer> seen = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = builder().fakeWorker(seen).build()) {
      nc.launch(1);
      await().until(() -> seen.runs(1) > 0);
      Await.get(nc.idle());
      assertEquals(Map.of(1, 1), seen.counts());
      assertEquals(1, nc.stats().timers());
    }
  }

  @Test
  void aTimerInThePastFiresAtOnceAndDeleteCancelsAPendingTimer() throws Exception {
    CountingWorker<TestJob, Integer> seen = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = builder().fakeWorker(seen).build()) {
      nc.launch(1);
      QueuedJob cancelled = nc.addTimer(Duration.ofMillis(300), new TestJob("cancelled", 1));
      nc.addTimerAt(Instant.now().minusSeconds(60), new TestJob("past", 2));
      nc.addTimer(Duration.ZERO, new TestJob("now", 3));
      assertTrue(cancelled.delete());
      await().until(() -> seen.counts().size() == 2);
      QueuedJob marker = nc.addTimer(Duration.ofMillis(400), new TestJob("marker", 4));
      await().until(() -> seen.runs(4) > 0);
      assertFalse(marker.delete());
      assertEquals(Map.of(2, 1, 3, 1, 4, 1), seen.counts());
      assertEquals(0, nc.stats().timers());
    }
  }

  @Test
  void timersFollowTheInjectedClock() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    CountingWorker<TestJob, Integer> seen = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = builder().clock(clock).fakeWorker(seen).build()) {
      nc.launch(1);
      nc.addTimer(Duration.ofHours(1), new TestJob("hour", 1));
      nc.addTimer(Duration.ofDays(1), new TestJob("day", 2));
      clock.advance(Duration.ofMinutes(59));
      nc.runDueWork();
      Await.get(nc.idle());
      assertEquals(Map.of(), seen.counts());
      clock.advance(Duration.ofMinutes(1));
      nc.runDueWork();
      await().until(() -> seen.runs(1) > 0);
      assertEquals(1, nc.stats().timers());
      clock.advance(Duration.ofDays(1));
      nc.runDueWork();
      await().until(() -> seen.runs(2) > 0);
      assertEquals(Map.of(1, 1, 2, 1), seen.counts());
    }
  }
}
