package io.nightcoral.examples.demo;

import io.nightcoral.NightCoral;
import io.nightcoral.QueuedQueryJob;
import io.nightcoral.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small server that embeds NightCoral: 5 worker children running the example handler jar, 10
 * jobs, a timer and a query, then a crash recovery: it kills a busy child with {@code kill -9} and
 * shows its job run again and the pool back to 5.
 *
 * <p>Arguments: the handler jar, and a folder for the database.
 */
public final class DemoServer {
  private static final String HANDLER = "io.nightcoral.examples.handlers.CountHandler";

  private DemoServer() {}

  public static void main(String[] args) throws Exception {
    Path handlerJar =
        Path.of(args.length > 0 ? args[0] : "examples/handlers/target/example-handlers.jar");
    Path dataDir = Path.of(args.length > 1 ? args[1] : "data");
    Files.createDirectories(dataDir);
    Path database = dataDir.resolve("nightcoral.db");
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(Path.of(database + suffix));
    }
    clearPidNotes(dataDir);

    say("starting NightCoral on %s, handlers from %s", database, handlerJar);
    try (NightCoral<Job> nc =
        NightCoral.builder(Job.class)
            .databaseFile(database)
            .workerConfig(
                Map.of("redisPassword", "welcome", "pidDir", dataDir.toAbsolutePath().toString()))
            .workerClasspath(handlerJar)
            .notifyError(
                e ->
                    say(
                        "notifyError: %s worker %d, job %s: %s",
                        e.kind(),
                        e.workerId(),
                        e.jobId().isPresent() ? e.jobId().getAsLong() : "none",
                        e.reason()))
            .build()) {
      ScheduledExecutorService status =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "demo-status");
                t.setDaemon(true);
                return t;
              });
      status.scheduleAtFixedRate(
          () -> say("status: %s", line(nc.stats())), 500, 500, TimeUnit.MILLISECONDS);

      long started = System.nanoTime();
      nc.launch(HANDLER, 5);
      say("launched 5 children in %d ms", (System.nanoTime() - started) / 1_000_000);

      for (int i = 0; i < 10; i++) {
        nc.add(new Job("count", i));
      }
      say("added 10 count jobs");
      nc.addTimer(Duration.ofSeconds(2), new Job("alarm", 500));
      say("added a timer that fires in 2 s");
      Job reply = nc.addQuery(new Job("square", 7)).reply().get(10, TimeUnit.SECONDS);
      say("query: square of 7 is %d", reply.value());

      say("--- recovery: kill -9 a busy child ---");
      QueuedQueryJob<Job> slow = nc.addQuery(new Job("slow", 1_500));
      long victim = awaitSlowChild(dataDir);
      ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
      say("killed child pid %d while it ran job %d", victim, slow.id());
      Job again = slow.reply().get(30, TimeUnit.SECONDS);
      say("job %d ran again and finished on child pid %d", slow.id(), again.value());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (nc.stats().workers() < 5 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      say("pool back to %d workers", nc.stats().workers());

      nc.idle().get(30, TimeUnit.SECONDS);
      while (nc.stats().timers() > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      nc.idle().get(30, TimeUnit.SECONDS);
      status.shutdownNow();
      Stats end = nc.stats();
      say("all done: %s", line(end));
    }
    say("closed; the database keeps whatever had not run");
  }

  private static long awaitSlowChild(Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Optional<Long> pid = slowPid(dir);
      if (pid.isPresent()) {
        return pid.get();
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    throw new IllegalStateException("the slow job did not start");
  }

  private static Optional<Long> slowPid(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("slow-"))
          .map(n -> Long.parseLong(n.substring(5)))
          .findFirst();
    }
  }

  private static void clearPidNotes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().startsWith("slow-")) {
          Files.delete(p);
        }
      }
    }
  }

  private static String line(Stats s) {
    return String.format(
        "workers=%d idle=%d queued=%d running=%d retired=%d died=%d timers=%d dead=%d",
        s.workers(),
        s.idleWorkers(),
        s.queued(),
        s.running(),
        s.retired(),
        s.died(),
        s.timers(),
        s.dead());
  }

  private static void say(String format, Object... args) {
    System.out.printf("[demo] " + format + "%n", args);
  }
}
