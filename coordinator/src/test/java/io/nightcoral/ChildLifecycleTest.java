package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How children end: with their server, on a missed ping. */
class ChildLifecycleTest {
  @TempDir Path dir;

  /** A server in its own JVM: launches 3 children, prints their pids, then waits to be killed. */
  public static final class Server {
    public static void main(String[] args) throws Exception {
      NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(args[0]).build();
      nc.launch(TestHandler.class, 3);
      for (ProcessHandle child : ChildProcessTest.workerChildren()) {
        System.out.println(child.pid());
      }
      System.out.println("READY");
      System.out.flush();
      TimeUnit.MINUTES.sleep(5); // the test kills this JVM long before
    }
  }

  @Test
  void noChildOutlivesAKilledServer() throws Exception {
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Server.class.getName(),
                dir.resolve("orphans.db").toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<Long> children = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        children.add(Long.parseLong(line.trim()));
      }
    }
    assertEquals(3, children.size(), "the server's children: " + children);
    assertTrue(
        children.stream()
            .allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    server.destroyForcibly();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    Await.await()
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                children.stream()
                    .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }

  @Test
  void closeAlsoStopsAReplacementThatIsStillStarting() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(dir.resolve("close.db")).build()) {
      nc.launch(TestHandler.class, 2);
      ProcessHandle victim = ChildProcessTest.workerChildren().get(0);
      victim.destroyForcibly();
      victim.onExit().get(30, TimeUnit.SECONDS);
      await()
          .until(
              () -> ChildProcessTest.workerChildren().size() == 2); // the replacement is starting
    }
    await().until(() -> ChildProcessTest.liveChildren().isEmpty());
  }

  @Test
  void childrenKilledWhileStartingAreReplacedAtOnce() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(dir.resolve("start.db")).build()) {
      nc.launch(TestHandler.class, 1);
      long previous = -1;
      for (int kill = 0; kill < 8; kill++) {
        long last = previous;
        await()
            .until(
                () ->
                    !ChildProcessTest.workerChildren().isEmpty()
                        && ChildProcessTest.workerChildren().get(0).pid() != last);
        ProcessHandle child = ChildProcessTest.workerChildren().get(0);
        previous = child.pid();
        child.destroyForcibly();
        child.onExit().get(30, TimeUnit.SECONDS);
      }
      // eight failed starts in a row would wait 0.1 + 0.2 + ... + 12.8 s before the next try
      await().atMost(Duration.ofSeconds(10)).until(() -> nc.stats().workers() == 1);
      assertEquals(
          new TestJob("square", 4), Await.get(nc.addQuery(new TestJob("square", 2)).reply()));
    }
  }

  @Test
  void aChildThatStopsAnsweringPingsIsKilledAndReplaced() throws Exception {
    List<WorkerPoolError> errors = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("ping.db"))
            .pingFrequency(Duration.ofMillis(200))
            .pingTimeout(Duration.ofMillis(500))
            .notifyError(errors::add)
            .build()) {
      nc.launch(TestHandler.class, 2);
      long frozen = ChildProcessTest.workerChildren().get(0).pid();
      Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(frozen)).start();
      assertTrue(stop.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, stop.exitValue());
      await().until(() -> !errors.isEmpty());
      WorkerPoolError error = errors.get(0);
      assertEquals(WorkerPoolError.Kind.WORKER_KILLED, error.kind());
      assertTrue(error.reason().contains("ping"), error.reason());
      await().until(() -> ProcessHandle.of(frozen).map(p -> !p.isAlive()).orElse(true));
      await().until(() -> nc.stats().workers() == 2 && nc.stats().idleWorkers() == 2);
      assertEquals(
          new TestJob("square", 9), Await.get(nc.addQuery(new TestJob("square", 3)).reply()));
    }
    await().until(() -> ChildProcessTest.liveChildren().isEmpty());
  }
}
