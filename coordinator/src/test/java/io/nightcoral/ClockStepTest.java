package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps of the wall clock never make a timer fire early: the queue's clock never goes back, and a
 * relative timer counts from it.
 */
class ClockStepTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T12:00:00Z"));
  private final CountingWorker<TestJob, Integer> fired = CountingWorker.byValue();

  private NightCoral<TestJob> start() {
    NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("steps.db"))
            .clock(clock)
            .ticker(clock::nanos)
            .fakeWorker(fired)
            .build();
    nc.launch(1);
    return nc;
  }

  /** Moves time on, and waits until the queue has acted on it. */
  private void pass(NightCoral<TestJob> nc, Duration time) throws Exception {
    clock.advance(time);
    nc.runDueWork();
    Await.get(nc.idle());
  }

  @Test
  void aTimerAddedAfterTheClockSteppedBackDoesNotFireAtOnce() throws Exception {
    try (NightCoral<TestJob> nc = start()) {
      nc.runDueWork(); // the queue has seen 12:00
      clock.step(Duration.ofHours(-1));
      nc.runDueWork(); // and now sees 11:00
      nc.addTimer(Duration.ofMinutes(10), new TestJob("ten minutes", 1));
      pass(nc, Duration.ofMinutes(9));
      assertEquals(Map.of(), fired.counts(), "fired early");
      assertEquals(1, nc.stats().timers());
      // the queue's clock held at 12:00 until the wall clock caught up: late by at most the step
      pass(nc, Duration.ofMinutes(50)); // the wall clock reads 11:59
      assertEquals(Map.of(), fired.counts(), "fired early");
      pass(nc, Duration.ofMinutes(11)); // 12:10: ten minutes after the queue's 12:00
      await().until(() -> fired.runs(1) > 0);
    }
  }

  @Test
  void aTimerPendingWhenTheClockStepsBackNeverFiresEarly() throws Exception {
    try (NightCoral<TestJob> nc = start()) {
      nc.addTimer(Duration.ofMinutes(10), new TestJob("ten minutes", 1));
      nc.addTimerAt(clock.instant().plus(Duration.ofMinutes(20)), new TestJob("at 12:20", 2));
      clock.step(Duration.ofHours(-1));
      pass(nc, Duration.ofMinutes(30));
      assertEquals(Map.of(), fired.counts(), "fired early");
      pass(nc, Duration.ofMinutes(40)); // the wall clock reads 12:10
      await().until(() -> fired.runs(1) > 0);
      assertEquals(Map.of(1, 1), fired.counts());
      pass(nc, Duration.ofMinutes(10));
      await().until(() -> fired.runs(2) > 0);
      assertEquals(Map.of(1, 1, 2, 1), fired.counts());
    }
  }

  @Test
  void aStepForwardFiresTheTimersInTheSpanOnceAndNoneTwice() throws Exception {
    try (NightCoral<TestJob> nc = start()) {
      nc.addTimer(Duration.ofMinutes(10), new TestJob("ten minutes", 1));
      nc.addTimer(Duration.ofHours(3), new TestJob("three hours", 2));
      clock.step(Duration.ofHours(1));
      nc.runDueWork();
      await().until(() -> fired.runs(1) > 0);
      clock.step(Duration.ofHours(-1)); // and back again: nothing fires twice or early
      pass(nc, Duration.ofHours(2));
      assertEquals(Map.of(1, 1), fired.counts());
      pass(nc, Duration.ofHours(2));
      await().until(() -> fired.runs(2) > 0);
      assertEquals(Map.of(1, 1, 2, 1), fired.counts());
    }
  }

  @Test
  void aRetryWaitsItsBackoffOnTheQueuesClock() throws Exception {
    CountingWorker<TestJob, Integer> attempts =
        CountingWorker.byValue(
            (job, run) -> {
              if (run == 1) {
                throw new IllegalStateException("first attempt fails");
              }
              return null;
            });
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("retry.db"))
            .clock(clock)
            .ticker(clock::nanos)
            .retryBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10))
            .fakeWorker(attempts)
            .build()) {
      nc.launch(1);
      nc.runDueWork();
      clock.step(Duration.ofHours(-1));
      nc.runDueWork();
      nc.add(new TestJob("retried", 1));
      await().until(() -> nc.stats().timers() == 1);
      pass(nc, Duration.ofMinutes(20)); // backoff is 7.5 to 10 minutes, counted from 12:00
      assertEquals(Map.of(1, 1), attempts.counts());
      pass(nc, Duration.ofMinutes(50));
      await().until(() -> attempts.runs(1) == 2);
    }
  }
}
