package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nightcoral.internal.NewJob;
import io.nightcoral.internal.pool.ChildCommand;
import io.nightcoral.internal.pool.Failure;
import io.nightcoral.internal.pool.PoolListener;
import io.nightcoral.internal.pool.ProcessPool;
import io.nightcoral.internal.pool.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child's death is noticed once on every path, even while a grandchild holds its pipes, and no
 * grandchild outlives it.
 */
@ExtendWith(NoChildOutlivesTest.class)
class ChildDeathTest {
  @TempDir Path dir;

  private final ManualPoolTimer timer = new ManualPoolTimer();

  @AfterEach
  void noGrandchildOutlivesItsTest() throws Exception {
    for (long pid : grandchildren()) {
      await().until(() -> gone(pid));
    }
  }

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "death.db").warmSpares(0); // the tests count and kill children
  }

  @Test
  void aSystemExitIsNoticedThoughAGrandchildHoldsTheChildsPipes() throws Exception {
    try (NightCoral<TestJob> nc = builder().maxAttempts(1).build()) {
      nc.launch(TestHandler.class, 1);
      long job = nc.add(new TestJob("spawn-inherit", 1)).id();
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(job, dead.id());
      assertTrue(dead.lastError().contains("exited with code 3"), dead.lastError());
      long grandchild = grandchildren().get(0);
      await().until(() -> gone(grandchild));
      assertEquals(
          new TestJob("square", 4), Await.get(nc.addQuery(new TestJob("square", 2)).reply()));
    }
  }

  @Test
  void aChildKilledFromOutsideTakesTheGrandchildItHadAtTheLastPing() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Duration frequency = Duration.ofSeconds(1);
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .pingFrequency(frequency)
            .poolTimer(() -> timer)
            .metrics(registry)
            .build()) {
      nc.launch(TestHandler.class, 1);
      long job = nc.add(new TestJob("spawn-inherit", 2)).id();
      await().until(() -> !grandchildren().isEmpty());
      long grandchild = grandchildren().get(0);
      timer.advance(frequency); // a ping, sent once the grandchild runs
      await().until(() -> pongs(registry) == 1);
      ProcessHandle child = Children.workers().get(0);
      child.destroyForcibly();
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(job, dead.id());
      assertTrue(dead.lastError().contains("signal 9"), dead.lastError());
      await().until(() -> gone(grandchild));
      assertEquals(
          new TestJob("square", 9), Await.get(nc.addQuery(new TestJob("square", 3)).reply()));
    }
  }

  @Test
  void closeLeavesNoGrandchildOfAnIdleChild() throws Exception {
    NightCoral<TestJob> nc = builder().build();
    try (nc) {
      nc.launch(TestHandler.class, 1);
      TestJob spawned = Await.get(nc.addQuery(new TestJob("spawn-inherit", 0)).reply());
      assertTrue(!gone(spawned.value()), "the grandchild runs while its parent idles");
    }
    assertEquals(1, grandchildren().size());
    await().until(() -> gone(grandchildren().get(0)));
  }

  @Test
  void closeLeavesNoGrandchildOfAChildItHadToKill() throws Exception {
    NightCoral<TestJob> nc = builder().closeTimeout(Duration.ofMillis(500)).build();
    try (nc) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("spawn-inherit", 2));
      await().until(() -> !grandchildren().isEmpty());
    }
    await().until(() -> gone(grandchildren().get(0)));
  }

  @Test
  void anErrorOnAReaderThreadCostsTheChildAndTheDeathIsStillReported() throws Exception {
    List<WorkerPoolError> errors = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .notifyError(errors::add)
            .localHandler(
                job -> {
                  if (job.task().equals("local")) {
                    throw new AssertionError("the local handler fails hard");
                  }
                  return job;
                })
            .build()) {
      nc.launch(TestHandler.class, 1);
      long job = nc.add(new TestJob("post", 100)).id();
      await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals(job, dead.id());
      assertTrue(dead.lastError().contains("the local handler fails hard"), dead.lastError());
      // notifyError runs on a callback thread: its news may come a little after the stats
      await()
          .until(
              () ->
                  errors.stream()
                          .filter(e -> e.kind() == WorkerPoolError.Kind.WORKER_KILLED)
                          .count()
                      == 1);
      await().until(() -> nc.stats().workers() == 1 && nc.stats().idleWorkers() == 1);
      assertEquals(
          new TestJob("square", 25), Await.get(nc.addQuery(new TestJob("square", 5)).reply()));
    }
  }

  /** The queue's side of a pool, recording what it is told. */
  private static final class Recorder implements PoolListener {
    final List<Worker> offered = new CopyOnWriteArrayList<>();
    final List<Long> finished = new CopyOnWriteArrayList<>();
    final List<Worker> died = new CopyOnWriteArrayList<>();

    @Override
    public void workerReady(Worker worker) {
      offered.add(worker);
    }

    @Override
    public void jobStarted(Worker worker, long jobId) {}

    @Override
    public void jobFinished(
        Worker worker, long jobId, String reply, List<NewJob> posts, long handlerNanos) {
      finished.add(jobId);
    }

    @Override
    public void jobFailed(Worker worker, long jobId, Failure failure, long handlerNanos) {}

    @Override
    public void jobCancelled(Worker worker, long jobId, boolean cancelled) {}

    @Override
    public void jobRejected(Worker worker, long jobId, String why) {}

    @Override
    public void workerDied(Worker worker, String reason, boolean killed) {
      died.add(worker);
    }

    @Override
    public void poolStopped(String why) {}
  }

  @Test
  void aChildThatDiesAfterReadyWhileLaunchWaitsIsReplacedNotOffered() throws Exception {
    Recorder queue = new Recorder();
    ProcessPool pool =
        new ProcessPool(
            new ProcessPool.Settings(
                "death.db",
                new ChildCommand(NightCoralBuilder.DEFAULT_WORKER_JVM_OPTIONS, List.of(), null),
                SlowSecondSetupHandler.class.getName(),
                "{\"dir\":"
                    + new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(dir.toString())
                    + "}",
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                null,
                10,
                Duration.ofSeconds(15),
                id -> "",
                0),
            queue,
            payload -> payload,
            nanos -> {});
    try {
      CompletableFuture<Void> launch = CompletableFuture.runAsync(() -> pool.start(2));
      await().until(() -> pool.size() == 1); // worker 1 is ready; worker 2 waits for "go"
      ProcessHandle first = ProcessHandle.of(setupPid(1)).orElseThrow();
      first.destroyForcibly();
      first.onExit().get(30, TimeUnit.SECONDS);
      await().until(() -> pool.size() == 0); // its death is reported while launch still waits
      Files.createFile(dir.resolve("go"));
      Await.get(launch);
      await().until(() -> queue.offered.size() == 2);
      for (Worker worker : queue.offered) {
        worker.run(worker.id(), "{\"task\":\"count\",\"value\":0}", 1, Worker.NOW);
      }
      await().until(() -> queue.finished.size() == 2); // every worker offered runs jobs
      assertTrue(queue.died.isEmpty(), "no worker the queue was given died");
    } finally {
      pool.shutdown(Duration.ofSeconds(5));
    }
  }

  private long setupPid(int workerId) throws Exception {
    return HandlerDir.pids(dir, "setup-" + workerId + "-").get(0);
  }

  private List<Long> grandchildren() throws Exception {
    return HandlerDir.pids(dir, "grandchild-");
  }

  private static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  private static long pongs(MeterRegistry registry) {
    return registry.get("nightcoral.pool.ping").timer().count();
  }
}
