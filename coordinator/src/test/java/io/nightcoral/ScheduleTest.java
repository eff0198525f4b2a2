package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recurring jobs: durable, once per firing, one catch-up after downtime, no overlap. */
class ScheduleTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<Instant> fired = new CopyOnWriteArrayList<>();

  private NightCoral<TestJob> open() {
    NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("schedules.db"))
            .clock(clock)
            .ticker(clock::nanos)
            .fakeWorker(
                job -> {
                  fired.add(clock.instant());
                  return null;
                })
            .build();
    nc.launch(1);
    return nc;
  }

  /** Lets {@code time} pass one second at a time, the queue acting at each. */
  private void pass(NightCoral<TestJob> nc, Duration time) throws Exception {
    for (long s = 0; s < time.toSeconds(); s++) {
      clock.advance(Duration.ofSeconds(1));
      nc.runDueWork();
      Await.get(nc.idle());
    }
  }

  @Test
  void aScheduleEverySecondFiresOncePerSecond() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.schedule("tick", Schedule.every(Duration.ofSeconds(1)), new TestJob("tick", 1));
      pass(nc, Duration.ofSeconds(5));
      assertEquals(5, fired.size(), "fired at " + fired);
      ScheduledJob<TestJob> tick = nc.schedules().get(0);
      assertEquals("tick", tick.name());
      assertEquals("every PT1S", tick.schedule());
      assertEquals(new TestJob("tick", 1), tick.job());
      assertEquals(clock.instant(), tick.lastRun());
      assertEquals(clock.instant().plusSeconds(1), tick.nextRun());
      assertEquals(0, tick.skipped());
    }
  }

  @Test
  void runsMissedWhileClosedFireOnceAtTheNextStart() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.schedule("tick", Schedule.every(Duration.ofSeconds(1)), new TestJob("tick", 1));
      pass(nc, Duration.ofSeconds(2));
    }
    assertEquals(2, fired.size());
    clock.advance(Duration.ofSeconds(10)); // ten periods of downtime
    try (NightCoral<TestJob> nc = open()) {
      nc.runDueWork();
      Await.get(nc.idle());
      assertEquals(3, fired.size(), "one catch-up firing, not ten: " + fired);
      pass(nc, Duration.ofSeconds(1));
      assertEquals(4, fired.size(), "then the next regular one: " + fired);
    }
  }

  @Test
  void aFiringWhileTheLastJobRunsIsSkippedAndCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("overlap.db"))
            .clock(clock)
            .ticker(clock::nanos)
            .fakeWorker(
                job -> {
                  ran.add(job.value());
                  release.await(30, TimeUnit.SECONDS);
                  return null;
                })
            .build()) {
      nc.launch(2);
      nc.schedule("slow", Schedule.every(Duration.ofSeconds(1)), new TestJob("slow", 1));
      clock.advance(Duration.ofSeconds(1));
      nc.runDueWork();
      await().until(() -> nc.stats().running() == 1);
      for (int i = 0; i < 3; i++) {
        clock.advance(Duration.ofSeconds(1));
        nc.runDueWork();
      }
      assertEquals(3, nc.schedules().get(0).skipped());
      assertEquals(1, nc.stats().running() + nc.stats().queued(), "no second job was added");
      release.countDown();
      Await.get(nc.idle());
      clock.advance(Duration.ofSeconds(1));
      nc.runDueWork();
      Await.get(nc.idle());
      assertEquals(2, ran.size(), "the next firing after the job finished runs");
    }
  }

  @Test
  void replacingAScheduleByNameKeepsOneRowAndItsHistory() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.schedule("report", Schedule.every(Duration.ofSeconds(2)), new TestJob("report", 1));
      pass(nc, Duration.ofSeconds(2));
      Instant next = nc.schedules().get(0).nextRun();
      // the same timing again, as a server does at every start: nothing moves
      nc.schedule("report", Schedule.every(Duration.ofSeconds(2)), new TestJob("report", 2));
      List<ScheduledJob<TestJob>> all = nc.schedules();
      assertEquals(1, all.size());
      assertEquals(next, all.get(0).nextRun());
      assertEquals(new TestJob("report", 2), all.get(0).job());
      assertNotNull(all.get(0).lastRun(), "its history is kept");
      // a new timing starts from now
      nc.schedule("report", Schedule.cron("0 3 * * *"), new TestJob("report", 3));
      all = nc.schedules();
      assertEquals(1, all.size());
      assertEquals("cron 0 3 * * * Z", all.get(0).schedule());
      assertEquals(Instant.parse("2030-01-01T03:00:00Z"), all.get(0).nextRun());
      assertTrue(nc.unschedule("report"));
      assertTrue(nc.schedules().isEmpty());
      assertTrue(!nc.unschedule("report"));
    }
  }

  @Test
  void aCronScheduleFiresAtTheRightInstantsAcrossDaylightSavingChanges() throws Exception {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    clock.step(Duration.between(clock.instant(), Instant.parse("2026-03-27T12:00:00Z")));
    List<Instant> spring =
        List.of(
            Instant.parse("2026-03-28T02:00:00Z"), // 03:00 CET
            Instant.parse("2026-03-29T01:00:00Z"), // 03:00 CEST, the day the clocks go forward
            Instant.parse("2026-03-30T01:00:00Z"));
    try (NightCoral<TestJob> nc = open()) {
      nc.schedule("nightly", Schedule.cron("0 3 * * *", berlin), new TestJob("nightly", 1));
      for (Instant at : spring) {
        clock.advance(Duration.between(clock.instant(), at).minusSeconds(1));
        nc.runDueWork();
        Await.get(nc.idle());
        int before = fired.size();
        clock.advance(Duration.ofSeconds(1));
        nc.runDueWork();
        await().until(() -> fired.size() == before + 1);
        assertEquals(at, fired.get(before));
      }
    }
    // the clocks go back on 2026-10-25: 02:30 happens twice, and fires once
    Schedule halfPastTwo = Schedule.cron("30 2 * * *", berlin);
    long october24 = Instant.parse("2026-10-24T12:00:00Z").toEpochMilli();
    long first = halfPastTwo.nextAfter(october24, 0);
    long second = halfPastTwo.nextAfter(first, 0);
    assertEquals(Instant.parse("2026-10-25T00:30:00Z"), Instant.ofEpochMilli(first));
    assertEquals(Instant.parse("2026-10-26T01:30:00Z"), Instant.ofEpochMilli(second));
  }

  @Test
  void badSchedulesAreRefusedAndNothingIsStored() {
    try (NightCoral<TestJob> nc = open()) {
      IllegalArgumentException bad =
          assertThrows(IllegalArgumentException.class, () -> Schedule.cron("61 * * * *"));
      assertTrue(bad.getMessage().contains("61 * * * *"), bad.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Schedule.cron("* * *"));
      assertThrows(IllegalArgumentException.class, () -> Schedule.every(Duration.ofMillis(999)));
      assertThrows(NullPointerException.class, () -> Schedule.every(null));
      assertThrows(NullPointerException.class, () -> Schedule.cron(null));
      Schedule ok = Schedule.every(Duration.ofMinutes(1));
      TestJob job = new TestJob("x", 1);
      assertThrows(NullPointerException.class, () -> nc.schedule(null, ok, job));
      assertThrows(NullPointerException.class, () -> nc.schedule("a", null, job));
      assertThrows(NullPointerException.class, () -> nc.schedule("a", ok, null));
      assertThrows(IllegalArgumentException.class, () -> nc.schedule(" ", ok, job));
      assertTrue(nc.schedules().isEmpty());
    }
    try (NightCoral<Object> nc =
        TestStore.at(NightCoral.builder(Object.class), dir.resolve("opaque.db")).build()) {
      assertThrows(
          IllegalArgumentException.class,
          () -> nc.schedule("a", Schedule.every(Duration.ofMinutes(1)), new Object()));
      assertTrue(nc.schedules().isEmpty());
    }
  }

  /** A server whose schedule fires every second, and which says so each time its job runs. */
  public static final class Server {
    public static void main(String[] args) throws Exception {
      NightCoral<String> nc =
          NightCoral.builderForStrings()
              .databaseFile(args[0])
              .fakeWorker(
                  job -> {
                    System.out.println("ran");
                    System.out.flush();
                    return null;
                  })
              .build();
      nc.schedule("tick", Schedule.every(Duration.ofSeconds(1)), "tick");
      nc.launch(1);
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void aServerKilledRightAfterAFiringNeitherLosesItNorFiresItAgain() throws Exception {
    assumeFalse(TestStore.postgres(), "on PostgreSQL, MultiCoordinatorTest kills coordinators");
    Path db = dir.resolve("killed.db");
    try (Jvm server = Jvm.start(Server.class, db.toString())) {
      assertEquals("ran", server.nextLine()); // the firing committed, then its job ran
      server.kill();
    }
    ScheduledJob<String> before;
    long left;
    try (NightCoral<String> nc = NightCoral.builderForStrings().databaseFile(db).build()) {
      before = nc.schedules().get(0);
      left = nc.stats().queued();
    }
    assertNotNull(before.lastRun(), "the firing was not lost");
    assertTrue(before.nextRun().isAfter(before.lastRun()), "and its next run moved on");
    assertTrue(left <= 1, "at most the job of that firing is left (at least once): " + left);
    List<String> ran = new CopyOnWriteArrayList<>();
    try (NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseFile(db)
            .fakeWorker(
                job -> {
                  ran.add(job);
                  return null;
                })
            .build()) {
      nc.launch(1);
      await().until(() -> nc.schedules().get(0).lastRun().isAfter(before.lastRun()));
      nc.unschedule("tick");
      Await.get(nc.idle());
      assertTrue(ran.size() >= left + 1, "the job left over, then the next firing: " + ran);
    }
  }
}
