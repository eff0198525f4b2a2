package io.nightcoral.chaos;

import io.nightcoral.DeadJob;
import io.nightcoral.NightCoral;
import io.nightcoral.Stats;
import io.nightcoral.WorkerPoolError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 1: many jobs through a few children while, every kill period, a random worker child is
 * {@code kill -9}ed (which children may be picked: see {@link ChildKiller}); every job must run at
 * least once, none may go dead, and no child may outlive {@code close()}.
 *
 * <p>Half the jobs are stored with {@code addAll} in batches of random size on one thread, the
 * other half with {@code add} from {@link #SINGLE_ADDERS} threads, all while the killing goes on.
 */
final class WorkerKillScenario {
  static final int MAX_ATTEMPTS = 50;
  static final Duration RETRY_FIRST = Duration.ofMillis(5);
  static final Duration RETRY_MAX = Duration.ofMillis(50);
  static final int DEATH_THRESHOLD = 100_000;
  static final Duration DEATH_WINDOW = Duration.ofSeconds(1);
  private static final int SINGLE_ADDERS = 3;
  private static final int MAX_BATCH = 500;
  private static final long CLOSE_EXIT_MILLIS = 5_000;
  private static final Duration FULL_POOL_LIMIT = Duration.ofSeconds(60);

  private final ChaosSettings settings;
  private final Path dir;
  private final Random random;
  private long earlyIdles;

  WorkerKillScenario(ChaosSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
    this.random = new Random(settings.seed() + 1);
  }

  Outcome run() throws Exception {
    Path results = dir.resolve("ran");
    int jobs = settings.s1Jobs();
    List<String> problems = new ArrayList<>();
    Map<WorkerPoolError.Kind, AtomicLong> events = new EnumMap<>(WorkerPoolError.Kind.class);
    for (WorkerPoolError.Kind kind : WorkerPoolError.Kind.values()) {
      events.put(kind, new AtomicLong());
    }
    AtomicLong interrupted = new AtomicLong();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    List<DeadJob<ChaosJob>> dead;
    Stats end;
    ChildKiller killer;
    long started;
    double addSeconds;
    double seconds;
    boolean done;
    ChaosRunner.say(
        "s1: %d jobs, %d children; every %d ms, kill -9 of a random %s child unless only %d are",
        jobs,
        settings.s1Children(),
        settings.s1KillEvery().toMillis(),
        settings.s1OnlyUp() ? "up (ran a job)" : "live (up or starting)",
        settings.s1Spare());
    try (NightCoral<ChaosJob> nc =
        NightCoral.builder(ChaosJob.class)
            .databaseFile(dir.resolve("s1.db"))
            .workerConfig(Map.of(ChaosHandler.RESULTS_DIR, results.toString()))
            .maxAttempts(MAX_ATTEMPTS)
            .retryBackoff(RETRY_FIRST, RETRY_MAX)
            .workerDeathThreshold(DEATH_THRESHOLD)
            .workerDeathDuration(DEATH_WINDOW)
            .notifyError(
                e -> {
                  events.get(e.kind()).incrementAndGet();
                  if (e.kind() != WorkerPoolError.Kind.JOB_DEAD && e.jobId().isPresent()) {
                    interrupted.incrementAndGet();
                  }
                })
            .build()) {
      long launching = System.nanoTime();
      nc.launch(ChaosHandler.class, settings.s1Children());
      ChaosRunner.say(
          "s1: launched %d children in %.2f s", settings.s1Children(), seconds(launching));
      started = System.nanoTime();
      killer =
          ChildKiller.start(
              settings.s1KillEvery().toMillis(),
              new Random(random.nextLong()),
              results,
              settings.s1OnlyUp(),
              settings.s1Spare());
      ScheduledExecutorService status = statusPrinter(nc, killer, started);
      try {
        store(nc, jobs, acked, problems);
        addSeconds = seconds(started);
        ChaosRunner.say(
            "s1: %d jobs stored in %.1f s; waiting for the queue to empty",
            acked.size(), addSeconds);
        done = awaitEmpty(nc, settings.s1Limit());
        seconds = seconds(started);
      } finally {
        killer.stop();
        status.shutdownNow();
      }
      if (!done) {
        problems.add(
            "the queue did not empty within "
                + settings.s1Limit().toSeconds()
                + " s: "
                + nc.stats());
      }
      dead = nc.deadJobs();
      end = nc.stats();
      // close() leaves alone a child that is still starting (see RELIABILITY.md), so let the
      // replacements of the last kills come up first
      if (!awaitWorkers(nc, settings.s1Children(), FULL_POOL_LIMIT)) {
        problems.add(
            "the pool did not get back to "
                + settings.s1Children()
                + " workers within "
                + FULL_POOL_LIMIT.toSeconds()
                + " s: "
                + nc.stats());
      }
    }
    int survivors = awaitNoWorkers(CLOSE_EXIT_MILLIS);
    if (survivors > 0) {
      problems.add(
          survivors + " worker children still alive " + CLOSE_EXIT_MILLIS + " ms after close()");
    }
    if (events.get(WorkerPoolError.Kind.POOL_STOPPED).get() > 0) {
      problems.add("the pool stopped (worker death threshold reached)");
    }

    RanJobs ran = RanJobs.read(results);
    long lost = acked.stream().filter(k -> ran.runs(k) == 0).count();
    long unacked = ran.keys().stream().filter(k -> !acked.contains(k)).count();
    if (ran.tornLines() > 0) {
      problems.add(ran.tornLines() + " torn lines in the result files");
    }
    ChaosRunner.say(
        "s1: queue empty after %.1f s (adding took %.1f s); end stats: %s",
        seconds, addSeconds, end);
    ChaosRunner.say(
        "s1: %d kills (%d ticks killed nobody); pool saw %d deaths, %d of them while a job ran;"
            + " %d result files",
        killer.kills(),
        killer.idleTicks(),
        events.get(WorkerPoolError.Kind.WORKER_DIED).get()
            + events.get(WorkerPoolError.Kind.WORKER_KILLED).get(),
        interrupted.get(),
        ran.files());
    ChaosRunner.say(
        "s1: idle() completed %d times while failed jobs still waited out their backoff",
        earlyIdles);
    ChaosRunner.say(
        "s1: %d keys ran more than once (%d extra runs); %d lost; %d dead",
        ran.keysRunTwiceOrMore(), ran.duplicates(), lost, dead.size());
    for (DeadJob<ChaosJob> d : dead.subList(0, Math.min(5, dead.size()))) {
      ChaosRunner.say(
          "s1: dead job %d %s after %d attempts: %s",
          d.id(), d.job().key(), d.attempts(), firstLine(d.lastError()));
    }
    ChaosRunner.reportSome(
        "s1: lost", acked.stream().filter(k -> ran.runs(k) == 0).sorted().toList());
    return new Outcome(
        "1: kill -9 workers",
        acked.size(),
        ran.keys().size(),
        lost,
        ran.duplicates(),
        unacked,
        dead.size(),
        killer.kills(),
        seconds,
        problems);
  }

  /** Stores keys s1-0 .. s1-(jobs-1): the first half with addAll, the second half with add. */
  private void store(NightCoral<ChaosJob> nc, int jobs, Set<String> acked, List<String> problems)
      throws InterruptedException {
    ExecutorService adders = Executors.newFixedThreadPool(1 + SINGLE_ADDERS);
    List<Future<?>> work = new ArrayList<>();
    int half = jobs / 2;
    Random batches = new Random(random.nextLong());
    work.add(
        adders.submit(
            () -> {
              int next = 0;
              while (next < half) {
                int size = Math.min(half - next, 1 + batches.nextInt(MAX_BATCH));
                List<ChaosJob> batch = new ArrayList<>(size);
                for (int i = next; i < next + size; i++) {
                  batch.add(new ChaosJob(key(i)));
                }
                nc.addAll(batch);
                batch.forEach(j -> acked.add(j.key()));
                next += size;
              }
              return null;
            }));
    for (int t = 0; t < SINGLE_ADDERS; t++) {
      int first = half + t;
      work.add(
          adders.submit(
              () -> {
                for (int i = first; i < jobs; i += SINGLE_ADDERS) {
                  nc.add(new ChaosJob(key(i)));
                  acked.add(key(i));
                }
                return null;
              }));
    }
    adders.shutdown();
    for (Future<?> f : work) {
      try {
        f.get();
      } catch (ExecutionException e) {
        problems.add("an add failed: " + e.getCause());
      }
    }
  }

  /** Waits until the pool has {@code count} workers up; false on timeout. */
  private static boolean awaitWorkers(NightCoral<?> nc, int count, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (nc.stats().workers() < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }

  /**
   * Waits until this JVM has no worker child left; returns how many are left after {@code millis}.
   */
  private static int awaitNoWorkers(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    List<ProcessHandle> left = ChildKiller.liveWorkers(ProcessHandle.current());
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
      left = ChildKiller.liveWorkers(ProcessHandle.current());
    }
    return left.size();
  }

  private static String key(int i) {
    return "s1-" + i;
  }

  /**
   * Waits until nothing is queued, running or waiting out a retry backoff; false on timeout. Counts
   * in {@link #earlyIdles} the times {@code idle()} completed while retries still waited.
   */
  private boolean awaitEmpty(NightCoral<?> nc, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        // idle() does not wait for failed jobs waiting out their backoff; they count as timers
        nc.idle().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException("idle() failed", e.getCause());
      }
      Stats s = nc.stats();
      if (s.queued() == 0 && s.running() == 0 && s.timers() == 0) {
        return true;
      }
      earlyIdles++;
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static ScheduledExecutorService statusPrinter(
      NightCoral<?> nc, ChildKiller killer, long started) {
    ScheduledExecutorService status =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "chaos-status");
              t.setDaemon(true);
              return t;
            });
    status.scheduleAtFixedRate(
        () ->
            ChaosRunner.say(
                "s1: %5.1f s, %d kills, %s", seconds(started), killer.kills(), nc.stats()),
        5,
        5,
        TimeUnit.SECONDS);
    return status;
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
