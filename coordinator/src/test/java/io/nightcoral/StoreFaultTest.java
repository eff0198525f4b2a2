package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills and a database that turns read-only: add throws, nothing stored is lost, and it
 * recovers.
 */
class StoreFaultTest {
  @TempDir Path dir;

  private final CountingWorker<TestJob, Integer> worker = CountingWorker.byValue();

  private NightCoral<TestJob> open() {
    return NightCoral.builder(TestJob.class)
        .databaseFile(dir.resolve("fault.db"))
        .fakeWorker(worker)
        .build();
  }

  @Test
  void aFullDiskRefusesAddsUntilThereIsRoomAgain() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      for (int i = 0; i < 10; i++) {
        nc.add(new TestJob("kept", i));
      }
      nc.pragmaForTest("PRAGMA max_page_count = 1"); // caps the file at its current size
      int stored = 10;
      NightCoralException full = null;
      while (full == null && stored < 100_000) {
        try {
          nc.add(new TestJob("more", stored));
          stored++;
        } catch (NightCoralException e) {
          full = e;
        }
      }
      assertTrue(full != null && full.getMessage().contains("full"), String.valueOf(full));
      final int storedBeforeFull = stored;
      assertThrows(
          NightCoralException.class, () -> nc.add(new TestJob("refused", storedBeforeFull)));
      assertEquals(stored, nc.stats().queued(), "nothing stored was lost");
      nc.pragmaForTest("PRAGMA max_page_count = 1073741823");
      nc.add(new TestJob("after", stored));
      nc.launch(2);
      Await.get(nc.idle());
      for (int i = 0; i <= stored; i++) {
        assertTrue(worker.runs(i) > 0, "job " + i + " ran");
      }
      assertEquals(stored + 1, worker.counts().size());
    }
  }

  @Test
  void aFinishThatCannotBeRecordedOnAFullDiskIsRecordedOnceThereIsRoom() throws Exception {
    Path db = dir.resolve("finish.db");
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(db)
            .workerConfig(Map.of("dir", dir.toString()))
            .closeTimeout(java.time.Duration.ofSeconds(30))
            .build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("gated-post", 1));
      Await.await().until(() -> nc.stats().running() == 1);
      nc.pragmaForTest("PRAGMA max_page_count = 1"); // full: its big post cannot be stored
      Files.createFile(dir.resolve("gate"));
      // the worker finished; the transaction recording that fails, and the report is kept
      Await.await().until(() -> nc.stats().running() == 0 && nc.stats().idleWorkers() == 1);
      assertEquals(1, nc.stats().queued(), "its row stays until its finish is recorded");
      nc.pragmaForTest("PRAGMA max_page_count = 1073741823");
      Await.get(nc.idle()); // the finish and its post are recorded, and the post runs
      assertEquals(2, nc.stats().retired());
    }
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(db).fakeWorker(worker).build()) {
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(Map.of(), worker.counts(), "nothing runs again");
    }
    try (var runs = Files.list(dir)) {
      assertEquals(1, runs.filter(p -> p.getFileName().toString().startsWith("ran-1-")).count());
    }
  }

  @Test
  void aJobHandedOutBeforeACommitThatFailsRunsOnceAndIsRecordedOnce() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("fault.db"))
            .clock(clock)
            .fakeWorker(worker)
            .build()) {
      nc.launch(1);
      nc.addTimer(Duration.ofMinutes(1), new TestJob("timer", 1));
      clock.advance(Duration.ofMinutes(2));
      // the timer falls due in this call's turn: its job goes to the worker before the commit,
      // which then fails; the job runs on, and its finish is recorded by a later turn
      assertThrows(NightCoralException.class, nc::failCommitForTest);
      Await.await().until(() -> nc.stats().retired() == 1);
      clock.advance(Duration.ofSeconds(5)); // past the pause in hand-outs after a fault
      nc.runDueWork();
      Await.get(nc.idle());
      assertEquals(Map.of(1, 1), worker.counts(), "not handed out a second time");
      assertEquals(0, nc.stats().queued() + nc.stats().timers() + nc.stats().dead());
    }
    try (NightCoral<TestJob> nc = open()) {
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(Map.of(1, 1), worker.counts(), "its finish was recorded: it does not run again");
    }
  }

  @Test
  void aJobStoredByACommitThatFailsNeverGoesToAnIdleWorker() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.launch(1);
      assertThrows(
          NightCoralException.class, () -> nc.addWithFailingCommitForTest(new TestJob("lost", 1)));
      nc.add(new TestJob("kept", 2));
      Await.get(nc.idle()); // after the pause in hand-outs that follows a fault
      assertEquals(Map.of(2, 1), worker.counts(), "the job of the failed commit never ran");
      assertEquals(1, nc.stats().retired());
      assertEquals(0, nc.stats().queued());
    }
  }

  @Test
  void anErrorInsideACallRollsBackThatCallAlone() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.add(new TestJob("kept", 1));
      assertThrows(
          StackOverflowError.class,
          () ->
              nc.insertThenForTest(
                  new TestJob("half", 2),
                  () -> {
                    throw new StackOverflowError("simulated");
                  }));
      nc.add(new TestJob("kept", 3));
      assertEquals(2, nc.stats().queued());
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(Map.of(1, 1, 3, 1), worker.counts());
    }
    try (NightCoral<TestJob> nc = open()) {
      assertEquals(0, nc.stats().queued(), "the half-done insert was never committed");
    }
  }

  @Test
  void aReadOnlyDatabaseRefusesAddsUntilItIsWritableAgain() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.add(new TestJob("kept", 1));
      nc.pragmaForTest("PRAGMA query_only = 1");
      NightCoralException e =
          assertThrows(NightCoralException.class, () -> nc.add(new TestJob("refused", 2)));
      assertTrue(e.getMessage().contains("readonly"), e.getMessage());
      assertEquals(1, nc.stats().queued());
      nc.pragmaForTest("PRAGMA query_only = 0");
      nc.add(new TestJob("after", 3));
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(Map.of(1, 1, 3, 1), worker.counts());
    }
  }
}
