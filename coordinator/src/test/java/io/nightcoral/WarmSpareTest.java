package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The warm spare: a child started and set up beside the workers that takes a dead one's place. */
@ExtendWith(NoChildOutlivesTest.class)
class WarmSpareTest {
  @TempDir Path dir;

  /** The pid of the one child that is not a worker. */
  private static long sparePid(NightCoral<TestJob> nc) {
    List<Long> others = notWorkers(nc);
    assertEquals(1, others.size(), "children that are not workers: " + others);
    return others.get(0);
  }

  private static List<Long> notWorkers(NightCoral<TestJob> nc) {
    Set<Long> workers = nc.workers().stream().map(WorkerInfo::pid).collect(Collectors.toSet());
    return Children.workers().stream()
        .map(ProcessHandle::pid)
        .filter(pid -> !workers.contains(pid))
        .toList();
  }

  @Test
  void aSpareTakesNoJobsAndCountsOnlyAsASpare() throws Exception {
    try (NightCoral<TestJob> nc = HandlerDir.builder(dir, "spare.db").build()) {
      nc.launch(TestHandler.class, 2);
      await().until(() -> nc.stats().spares() == 1);
      long spare = sparePid(nc);
      Set<Integer> ranOn = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        ranOn.add(Await.get(nc.addQuery(new TestJob("pid", 0)).reply()).value());
      }
      assertFalse(ranOn.contains((int) spare), "the spare ran a job");
      Await.get(nc.idle());
      Stats stats = nc.stats();
      assertEquals(2, stats.workers());
      assertEquals(2, stats.idleWorkers());
      assertEquals(0, stats.running());
      assertEquals(1, stats.spares());
      assertEquals(2, nc.workers().size(), "the inspection API lists workers only");
    }
  }

  @Test
  void aKilledWorkersPlaceGoesToTheSpareWhileItsReplacementStillStarts() throws Exception {
    ManualPoolTimer timer = new ManualPoolTimer();
    try (NightCoral<TestJob> nc =
        HandlerDir.builder(dir, "promote.db").poolTimer(() -> timer).build()) {
      nc.launch(FlakySetupHandler.class, 1);
      await().until(() -> nc.stats().spares() == 1);
      long spare = sparePid(nc);
      ProcessHandle worker = ProcessHandle.of(nc.workers().get(0).pid()).orElseThrow();
      Files.createFile(dir.resolve("broken")); // no new child can finish its setup from now on
      worker.destroyForcibly();
      worker.onExit().get(30, TimeUnit.SECONDS);

      await().until(() -> nc.workers().size() == 1 && nc.workers().get(0).pid() == spare);
      assertEquals(
          new TestJob("after", 1), Await.get(nc.addQuery(new TestJob("after", 1)).reply()));
      assertEquals(1, nc.stats().workers());
      assertEquals(0, nc.stats().spares(), "the next spare cannot start yet");
      assertEquals(1, nc.stats().died());
      await().until(() -> HandlerDir.lines(dir, "setups") >= 3); // the next spare tried to start

      Files.delete(dir.resolve("broken"));
      await().until(() -> !timer.dueIn().isEmpty());
      timer.advance(timer.dueIn().get(0)); // the failed start's retry
      await().until(() -> nc.stats().spares() == 1);
      assertEquals(1, nc.stats().workers());
    }
  }

  @Test
  void aSpareThatComesUpWhileAWorkerIsMissingTakesItsPlace() throws Exception {
    ManualPoolTimer timer = new ManualPoolTimer();
    try (NightCoral<TestJob> nc =
        HandlerDir.builder(dir, "vacant.db").poolTimer(() -> timer).build()) {
      nc.launch(FlakySetupHandler.class, 1);
      await().until(() -> nc.stats().spares() == 1);
      ProcessHandle first = ProcessHandle.of(nc.workers().get(0).pid()).orElseThrow();
      Files.createFile(dir.resolve("broken"));
      first.destroyForcibly(); // the spare takes its place; the next spare fails to start
      await().until(() -> nc.workers().size() == 1 && nc.workers().get(0).pid() != first.pid());
      ProcessHandle second = ProcessHandle.of(nc.workers().get(0).pid()).orElseThrow();
      second.destroyForcibly(); // no spare now: its replacement fails to start too
      await()
          .until(
              () -> timer.dueIn().equals(List.of(Duration.ofMillis(100), Duration.ofMillis(200))));
      assertEquals(0, nc.stats().workers());

      Files.delete(dir.resolve("broken"));
      timer.advance(Duration.ofMillis(100)); // the spare's slot tries again and comes up
      await().until(() -> nc.stats().workers() == 1); // while the worker's slot still waits
      assertEquals(0, nc.stats().spares());
      assertEquals(new TestJob("back", 1), Await.get(nc.addQuery(new TestJob("back", 1)).reply()));
      timer.advance(Duration.ofMillis(100)); // the worker's old slot now starts the spare
      await().until(() -> nc.stats().spares() == 1);
      assertEquals(1, nc.stats().workers());
    }
  }

  @Test
  void aDeadSpareIsReplacedAndIsNoWorkerDeath() throws Exception {
    try (NightCoral<TestJob> nc = HandlerDir.builder(dir, "dead-spare.db").build()) {
      nc.launch(TestHandler.class, 1);
      await().until(() -> nc.stats().spares() == 1);
      ProcessHandle spare = ProcessHandle.of(sparePid(nc)).orElseThrow();
      spare.destroyForcibly();
      spare.onExit().get(30, TimeUnit.SECONDS);
      await()
          .until(
              () ->
                  nc.stats().spares() == 1
                      && notWorkers(nc).size() == 1
                      && !notWorkers(nc).contains(spare.pid()));
      assertEquals(0, nc.stats().died());
      assertEquals(
          new TestJob("square", 9), Await.get(nc.addQuery(new TestJob("square", 3)).reply()));
    }
  }

  @Test
  void noSparesWhenTurnedOffAndTheCountIsChecked() throws Exception {
    try (NightCoral<TestJob> nc = HandlerDir.builder(dir, "none.db").warmSpares(0).build()) {
      nc.launch(TestHandler.class, 2);
      assertEquals(2, Children.workers().size());
      assertEquals(0, nc.stats().spares());
    }
    NightCoralBuilder<TestJob> builder = HandlerDir.builder(dir, "bad.db");
    assertThrows(IllegalArgumentException.class, () -> builder.warmSpares(-1));
    assertThrows(IllegalArgumentException.class, () -> builder.warmSpares(17));
  }
}
