package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How children end: with their server, on a missed ping. */
@ExtendWith(NoChildOutlivesTest.class)
class ChildLifecycleTest {
  @TempDir Path dir;

  private final ManualPoolTimer timer = new ManualPoolTimer();

  /** A server in its own JVM: launches 3 children, prints their pids, then waits to be killed. */
  public static final class Server {
    public static void main(String[] args) throws Exception {
      NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(args[0]).build();
      nc.launch(TestHandler.class, 3);
      await().until(() -> nc.stats().spares() == 1); // the warm spare is a child too
      for (ProcessHandle child : Children.workers()) {
        System.out.println(child.pid());
      }
      System.out.println("READY");
      System.out.flush();
      TimeUnit.MINUTES.sleep(5); // the test kills this JVM long before
    }
  }

  @Test
  void noChildOutlivesAKilledServer() throws Exception {
    List<Long> children = new ArrayList<>();
    try (Jvm server = Jvm.start(Server.class, dir.resolve("orphans.db").toString())) {
      String line;
      while ((line = server.nextLine()) != null && !line.equals("READY")) {
        children.add(Long.parseLong(line.trim()));
      }
      assertEquals(4, children.size(), "three workers and a spare: " + children);
      assertTrue(
          children.stream()
              .allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
      server.kill();
    }
    await()
        .until(
            () ->
                children.stream()
                    .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }

  @Test
  void closeAlsoStopsAReplacementThatIsStillStarting() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("close.db"))
            .warmSpares(0) // counts children
            .build()) {
      nc.launch(TestHandler.class, 2);
      ProcessHandle victim = Children.workers().get(0);
      victim.destroyForcibly();
      victim.onExit().get(30, TimeUnit.SECONDS);
      await().until(() -> Children.workers().size() == 2); // the replacement is starting
    }
    await().until(() -> Children.live().isEmpty());
  }

  @Test
  void childrenKilledWhileStartingAreReplacedAtOnce() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("start.db"))
            .warmSpares(0) // kills the only child again and again
            .poolTimer(() -> timer)
            .build()) {
      nc.launch(TestHandler.class, 1);
      long previous = -1;
      for (int kill = 0; kill < 8; kill++) {
        long last = previous;
        await()
            .until(() -> !Children.workers().isEmpty() && Children.workers().get(0).pid() != last);
        ProcessHandle child = Children.workers().get(0);
        previous = child.pid();
        child.destroyForcibly();
        child.onExit().get(30, TimeUnit.SECONDS);
      }
      // the timer never moves: a replacement that waited for it would never start
      await().until(() -> nc.stats().workers() == 1);
      assertEquals(Collections.nCopies(8, Duration.ZERO), timer.delays());
      assertEquals(
          new TestJob("square", 4), Await.get(nc.addQuery(new TestJob("square", 2)).reply()));
    }
  }

  @Test
  void aChildThatStopsAnsweringPingsIsKilledAndReplaced() throws Exception {
    List<WorkerPoolError> errors = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Duration frequency = Duration.ofSeconds(20);
    Duration timeout = Duration.ofSeconds(5);
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("ping.db"))
            .warmSpares(0) // freezes a worker
            .pingFrequency(frequency)
            .pingTimeout(timeout)
            .poolTimer(() -> timer)
            .metrics(registry)
            .notifyError(errors::add)
            .build()) {
      nc.launch(TestHandler.class, 2);
      long frozen = Children.workers().get(0).pid();
      Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(frozen)).start();
      assertTrue(stop.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, stop.exitValue());
      timer.advance(frequency); // both children are pinged; the one not frozen answers
      await().until(() -> registry.get("nightcoral.pool.ping").timer().count() == 1);
      assertEquals(List.of(timeout, timeout), timer.dueIn(), "each ping's timeout");
      timer.advance(timeout);
      await().until(() -> !errors.isEmpty());
      assertEquals(1, errors.size(), errors.toString());
      WorkerPoolError error = errors.get(0);
      assertEquals(WorkerPoolError.Kind.WORKER_KILLED, error.kind());
      assertTrue(error.reason().contains("ping"), error.reason());
      await().until(() -> ProcessHandle.of(frozen).map(p -> !p.isAlive()).orElse(true));
      await().until(() -> nc.stats().workers() == 2 && nc.stats().idleWorkers() == 2);
      assertEquals(
          new TestJob("square", 9), Await.get(nc.addQuery(new TestJob("square", 3)).reply()));
    }
  }
}
