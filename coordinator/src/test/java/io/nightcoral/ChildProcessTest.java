package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The pool against real child JVMs. */
@ExtendWith(NoChildOutlivesTest.class)
class ChildProcessTest {
  /** The job timeout of the tests that have one; it passes only when the test moves the timer. */
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path dir;

  private final ManualPoolTimer timer = new ManualPoolTimer();

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "pool.db")
        .workerConfig(Map.of("redisPassword", "welcome", "dir", dir.toString()));
  }

  @Test
  void theQuickStartWorksAsWritten() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.launch(TestHandler.class, 5);
      assertEquals(5, nc.stats().workers());
      await().until(() -> nc.stats().spares() == 1); // started beside the workers
      assertEquals(6, Children.workers().size());
      for (int i = 0; i < 10; i++) {
        nc.add(new TestJob("count", i));
      }
      nc.addTimer(Duration.ofMillis(100), new TestJob("count", 500));
      assertEquals(
          new TestJob("square", 49), Await.get(nc.addQuery(new TestJob("square", 7)).reply()));
      TestJob config = Await.get(nc.addQuery(new TestJob("config", 0)).reply());
      assertEquals("welcome", config.task());
      assertTrue(config.value() >= 1 && config.value() <= 5, "worker id " + config.value());
      await().until(() -> nc.stats().timers() == 0);
      Await.get(nc.idle());
      assertEquals(13, nc.stats().retired());
      assertEquals(5, nc.stats().idleWorkers());
    }
  }

  @Test
  void killingABusyChildRunsItsJobAgainAndRefillsThePool() throws Exception {
    List<WorkerPoolError> errors = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc = builder().notifyError(errors::add).build()) {
      nc.launch(TestHandler.class, 3);
      QueuedQueryJob<TestJob> busy = nc.addQuery(new TestJob("busy", 1_000));
      await().until(() -> busyPids().size() == 1);
      long victim = busyPids().get(0);
      for (int i = 0; i < 20; i++) {
        nc.add(new TestJob("count", i));
      }
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      TestJob reply = Await.get(busy.reply());
      assertTrue(reply.value() != victim, "ran again on another child");
      Await.get(nc.idle());
      await().until(() -> nc.stats().workers() == 3 && nc.stats().idleWorkers() == 3);
      assertEquals(21, nc.stats().retired());
      assertEquals(1, nc.stats().died());
      await().until(() -> !errors.isEmpty()); // notifyError runs on a callback thread
      assertEquals(1, errors.size());
      WorkerPoolError error = errors.get(0);
      assertEquals(WorkerPoolError.Kind.WORKER_DIED, error.kind());
      assertEquals(busy.id(), error.jobId().getAsLong());
      assertTrue(error.reason().contains("signal 9"), error.reason());
      await().until(() -> nc.stats().spares() == 1); // a new spare behind the promoted one
      await().until(() -> workerThreads() == 4 * 3); // the dead child's threads are gone too
    }
  }

  /** Coordinator threads that serve worker children: three per live child. */
  static long workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("nightcoral-worker-"))
        .count();
  }

  @Test
  void jobsWaitingInAKilledChildAreNotChargedAnAttempt() throws Exception {
    try (NightCoral<TestJob> nc = builder().maxAttempts(1).workerPrefetch(4).build()) {
      nc.launch(TestHandler.class, 1);
      long busy = nc.add(new TestJob("busy", 5_000)).id();
      for (int i = 0; i < 3; i++) {
        nc.add(new TestJob("count", i));
      }
      await().until(() -> busyPids().size() == 1 && nc.stats().running() == 1);
      assertEquals(3, nc.stats().queued(), "jobs sent ahead are queued, not running");
      ProcessHandle.of(busyPids().get(0)).orElseThrow().destroyForcibly();
      await().until(() -> nc.stats().retired() == 3);
      assertEquals(List.of(busy), nc.deadJobs().stream().map(DeadJob::id).toList());
    }
  }

  @Test
  void aFinishedJobIsNotBlamedWhenTheNextJobKillsTheChild() throws Exception {
    try (NightCoral<TestJob> nc = builder().maxAttempts(1).workerPrefetch(4).build()) {
      nc.launch(TestHandler.class, 1);
      List<Long> thrown = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        thrown.add(nc.add(new TestJob("throw", i)).id());
        nc.add(new TestJob("crash", i));
      }
      await().until(() -> nc.stats().dead() == 10);
      for (DeadJob<TestJob> dead : nc.deadJobs()) {
        String expected = thrown.contains(dead.id()) ? "thrown on purpose" : "exited with code 13";
        assertTrue(dead.lastError().contains(expected), dead.id() + ": " + dead.lastError());
      }
    }
  }

  @Test
  void aJobsDeadlineStartsWhenItRunsNotWhileItWaitsInTheChild() throws Exception {
    Duration almost = JOB_TIMEOUT.minusMillis(1);
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .workerPrefetch(4)
            .jobTimeout(JOB_TIMEOUT)
            .poolTimer(() -> timer)
            .build()) {
      nc.launch(TestHandler.class, 1);
      List<QueuedJob> both = nc.addAll(List.of(new TestJob("gate", 1), new TestJob("hang", 2)));
      await().until(() -> nc.stats().running() == 1); // the gate runs; the hang waits behind it
      timer.advance(almost);
      HandlerDir.openGate(dir);
      await().until(() -> nc.stats().retired() == 1 && nc.stats().running() == 1);
      timer.advance(almost); // the hang has waited longer than the timeout, but run for less
      assertEquals(List.of(Duration.ofMillis(1)), timer.dueIn(), "the hang's deadline");
      timer.advance(Duration.ofMillis(1));
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(both.get(1).id(), dead.id());
      assertTrue(dead.lastError().contains("job timeout"), dead.lastError());
      assertEquals(1, nc.stats().retired(), "the gate finished in time");
    }
  }

  /** The children that ran a "busy" job. */
  private List<Long> busyPids() throws Exception {
    return HandlerDir.pids(dir, "busy-");
  }

  @Test
  void misbehavingHandlersCostOnlyTheirChild() throws Exception {
    List<WorkerPoolError> errors = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc = builder().maxAttempts(2).notifyError(errors::add).build()) {
      nc.launch(TestHandler.class, 3);
      List<Long> poison = new ArrayList<>();
      for (String task : List.of("crash", "exit", "garbage")) {
        poison.add(nc.add(new TestJob(task, 0)).id());
      }
      QueuedQueryJob<TestJob> printed = nc.addQuery(new TestJob("print", 5));
      QueuedQueryJob<TestJob> thrown = nc.addQuery(new TestJob("throw", 6));
      for (int i = 0; i < 30; i++) {
        nc.add(new TestJob("count", i));
      }
      assertEquals(new TestJob("printed", 5), Await.get(printed.reply()));
      Exception failure = assertThrows(Exception.class, () -> Await.get(thrown.reply()));
      JobFailedException failed = (JobFailedException) failure.getCause();
      assertEquals("thrown on purpose 6", failed.errorMessage());
      await().until(() -> nc.stats().dead() == 4);
      Await.get(nc.idle());
      assertEquals(31, nc.stats().retired());
      Set<Long> dead = nc.deadJobs().stream().map(DeadJob::id).collect(Collectors.toSet());
      assertTrue(dead.containsAll(poison), dead.toString());
      String garbage =
          nc.deadJobs().stream()
              .filter(d -> d.id() == poison.get(2))
              .findFirst()
              .orElseThrow()
              .lastError();
      assertTrue(garbage.contains("oops, not a frame"), garbage);
      assertTrue(
          nc.stats().died() >= 6, "two attempts of three poison jobs, each costing its child");
      await().until(() -> nc.stats().workers() == 3 && nc.stats().idleWorkers() == 3);
      assertEquals(
          new TestJob("square", 4), Await.get(nc.addQuery(new TestJob("square", 2)).reply()));
    }
  }

  @Test
  void aHandlerThatHangsCostsItsChildAtTheJobTimeoutAndItsAttemptFails() throws Exception {
    try (NightCoral<TestJob> nc =
        builder().maxAttempts(2).jobTimeout(JOB_TIMEOUT).poolTimer(() -> timer).build()) {
      nc.launch(TestHandler.class, 2);
      long hang = nc.add(new TestJob("hang", 0)).id();
      await().until(() -> nc.stats().running() == 1);
      assertEquals(
          new TestJob("square", 9), Await.get(nc.addQuery(new TestJob("square", 3)).reply()));
      // the hang is the only job: each of its attempts ends when the timer passes its deadline
      await()
          .until(
              () -> {
                if (nc.stats().running() == 1) {
                  timer.advance(JOB_TIMEOUT);
                }
                return nc.stats().dead() == 1;
              });
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(hang, dead.id());
      assertEquals(2, dead.attempts());
      assertTrue(dead.lastError().contains("job timeout"), dead.lastError());
      assertEquals(2, nc.stats().died(), "each attempt cost its child");
      await().until(() -> nc.stats().workers() == 2 && nc.stats().idleWorkers() == 2);
      assertEquals(
          new TestJob("square", 4), Await.get(nc.addQuery(new TestJob("square", 2)).reply()));
    }
  }

  @Test
  void postsAreStoredWithTheJobThatPostedThemAndSeenByTheLocalHandler() throws Exception {
    Map<Integer, Integer> local = new ConcurrentHashMap<>();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .localHandler(
                job -> {
                  if (job.task().equals("local")) {
                    local.merge(job.value(), 1, Integer::sum);
                    return null;
                  }
                  return job;
                })
            .build()) {
      nc.launch(TestHandler.class, 2);
      nc.add(new TestJob("post", 100));
      nc.add(new TestJob("post-then-throw", 200));
      await().until(() -> nc.stats().retired() == 3 && nc.stats().dead() == 1);
      Await.get(nc.idle());
      assertEquals(Map.of(103, 1), local);
      assertEquals(0, nc.stats().timers());
      assertEquals(
          3,
          nc.stats().retired(),
          "the post, and the two jobs it posted; the failed attempt's post was dropped");
    }
  }

  @Test
  void anUnknownHandlerClassFailsLaunchWithTheChildsMessage() {
    try (NightCoral<TestJob> nc = builder().build()) {
      NightCoralException e =
          assertThrows(NightCoralException.class, () -> nc.launch("com.example.NoSuchHandler", 2));
      assertTrue(e.getMessage().contains("com.example.NoSuchHandler"), e.getMessage());
      await().until(() -> Children.live().isEmpty());
    }
  }

  @Test
  void aSetupThatThrowsFailsLaunchWithItsMessage() {
    try (NightCoral<TestJob> nc = builder().build()) {
      NightCoralException e =
          assertThrows(NightCoralException.class, () -> nc.launch(FailingSetupHandler.class, 3));
      assertTrue(e.getMessage().contains("cannot reach the database at setup"), e.getMessage());
      await().until(() -> Children.live().isEmpty());
    }
  }

  @Test
  void aBadJvmOptionFailsLaunchWithTheJvmsMessage() {
    try (NightCoral<TestJob> nc =
        builder().workerJvmOptions(List.of("-XX:+NoSuchOption")).build()) {
      NightCoralException e =
          assertThrows(NightCoralException.class, () -> nc.launch(TestHandler.class, 1));
      assertTrue(e.getMessage().contains("NoSuchOption"), e.getMessage());
    }
  }

  @Test
  void killingAChildKillsItsDescendants() throws Exception {
    try (NightCoral<TestJob> nc =
        builder().maxAttempts(1).jobTimeout(JOB_TIMEOUT).poolTimer(() -> timer).build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("spawn", 0));
      await()
          .until(() -> nc.stats().running() == 1 && !HandlerDir.pids(dir, "grandchild-").isEmpty());
      long grandchild = HandlerDir.pids(dir, "grandchild-").get(0);
      timer.advance(JOB_TIMEOUT); // the job that started it runs out of time: its child is killed
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertTrue(dead.lastError().contains("job timeout"), dead.lastError());
      await().until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
    }
  }
}
