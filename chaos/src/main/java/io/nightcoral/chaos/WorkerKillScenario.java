package io.nightcoral.chaos;

import io.nightcoral.DeadJob;
import io.nightcoral.NightCoral;
import io.nightcoral.Stats;
import io.nightcoral.WorkerPoolError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Scenario 1: jobs that take a few milliseconds flow through a few children while, every kill
 * period, a random worker child is {@code kill -9}ed (which children may be picked: see {@link
 * ChildKiller}), until the killer has killed {@code chaos.s1.kills} children; then the adding and
 * the killing stop and the queue drains. Every job must run at least once, none may go dead, no job
 * may be charged an attempt that never started, and no child may outlive {@code close()}.
 *
 * <p>One thread stores jobs with {@code addAll} in batches of random size, {@link #SINGLE_ADDERS}
 * others with {@code add}; they pause while {@code chaos.s1.backlog} jobs are queued.
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
  private static final Duration KILL_PHASE_SLACK = Duration.ofSeconds(60);

  private final ChaosSettings settings;
  private final Path dir;
  private final Random random;
  private final AtomicLong earlyIdles = new AtomicLong();

  WorkerKillScenario(ChaosSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
    this.random = new Random(settings.seed() + 1);
  }

  Outcome run() throws Exception {
    Path database = dir.resolve("s1.db");
    Path starts = StartNotes.folderOf(database);
    Path results = dir.resolve("ran");
    List<String> problems = new ArrayList<>();
    Map<WorkerPoolError.Kind, AtomicLong> events = new EnumMap<>(WorkerPoolError.Kind.class);
    for (WorkerPoolError.Kind kind : WorkerPoolError.Kind.values()) {
      events.put(kind, new AtomicLong());
    }
    AtomicLong interrupted = new AtomicLong();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<StartNotes.Note> notes = ConcurrentHashMap.newKeySet();
    List<DeadJob<ChaosJob>> dead;
    Stats end;
    ChildKiller killer;
    long started;
    double addSeconds;
    double seconds;
    boolean done;
    // the kill phase is bounded: twice the time the kills take at one per period, and a minute
    Duration killLimit =
        settings.s1KillEvery().multipliedBy(2L * settings.s1Kills()).plus(KILL_PHASE_SLACK);
    ChaosRunner.say(
        "s1: jobs of %d ms through %d children; every %d ms, kill -9 of a random worker child"
            + " (%s; nobody while %d or fewer are candidates); adding stops after %d kills",
        settings.s1JobMillis(),
        settings.s1Children(),
        settings.s1KillEvery().toMillis(),
        switch (settings.s1Victims()) {
          case ANY -> "any live one, up or starting";
          case UP -> "only ones that ran a job";
          case MIXED -> "any live one but the one that has been starting the longest";
        },
        settings.s1Spare(),
        settings.s1Kills());
    try (NightCoral<ChaosJob> nc =
        NightCoral.builder(ChaosJob.class)
            .databaseFile(database)
            .workerConfig(
                Map.of(
                    ChaosHandler.RESULTS_DIR,
                    results.toString(),
                    ChaosHandler.START_RECORDS,
                    starts.toString(),
                    ChaosHandler.JOB_MILLIS,
                    settings.s1JobMillis()))
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
                  if ((e.kind() == WorkerPoolError.Kind.WORKER_DIED
                          || e.kind() == WorkerPoolError.Kind.WORKER_KILLED)
                      && e.workerId() > 0) {
                    // what the dead child had started, before a replacement takes its slot
                    StartNotes.read(StartNotes.slot(starts, e.workerId())).ifPresent(notes::add);
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
              settings.s1Victims(),
              settings.s1Spare(),
              starts,
              notes);
      ScheduledExecutorService status = statusPrinter(nc, killer, started);
      try {
        long deadline = started + killLimit.toNanos();
        BooleanSupplier more =
            () -> killer.kills() < settings.s1Kills() && System.nanoTime() < deadline;
        store(nc, more, acked, problems);
        killer.stop();
        addSeconds = seconds(started);
        if (killer.kills() < settings.s1Kills()) {
          problems.add(
              "only "
                  + killer.kills()
                  + " kills within "
                  + killLimit.toSeconds()
                  + " s, fewer than the "
                  + settings.s1Kills()
                  + " asked for");
        }
        ChaosRunner.say(
            "s1: %d jobs stored in %.1f s, %d kills; the killing stopped, waiting for the queue to"
                + " empty",
            acked.size(), addSeconds, killer.kills());
        done = Waits.awaitEmpty(nc, settings.s1Limit(), earlyIdles);
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
      notes.addAll(StartNotes.readAll(starts)); // before close() clears them
      // let the replacements of the last kills come up, so that close() meets a full pool
      if (!Waits.awaitWorkers(nc, settings.s1Children(), FULL_POOL_LIMIT)) {
        problems.add(
            "the pool did not get back to "
                + settings.s1Children()
                + " workers within "
                + FULL_POOL_LIMIT.toSeconds()
                + " s: "
                + nc.stats());
      }
    }
    int survivors = Waits.awaitNoWorkers(CLOSE_EXIT_MILLIS);
    if (survivors > 0) {
      problems.add(
          survivors + " worker children still alive " + CLOSE_EXIT_MILLIS + " ms after close()");
    }
    if (events.get(WorkerPoolError.Kind.POOL_STOPPED).get() > 0) {
      problems.add("the pool stopped (worker death threshold reached)");
    }

    RanJobs ran = RanJobs.read(results);
    List<String> notRun = acked.stream().filter(k -> ran.runs(k) == 0).sorted().toList();
    // if the queue did not empty, jobs still stored are late, not lost
    long stillStored = done ? 0 : end.queued() + end.running() + end.timers();
    long lost = Math.max(0, notRun.size() - stillStored);
    long unacked = ran.keys().stream().filter(k -> !acked.contains(k)).count();
    problems.addAll(ran.fileProblems());
    Map<Long, Integer> deadAttempts = new HashMap<>();
    Map<Long, String> deadKeys = new HashMap<>();
    for (DeadJob<ChaosJob> d : dead) {
      deadAttempts.put(d.id(), d.attempts());
      deadKeys.put(d.id(), d.job() == null ? d.payload() : d.job().key());
    }
    Charges charges = Charges.check(ran, notes, deadAttempts, deadKeys);
    long deaths =
        events.get(WorkerPoolError.Kind.WORKER_DIED).get()
            + events.get(WorkerPoolError.Kind.WORKER_KILLED).get();
    ChaosRunner.say(
        "s1: queue empty after %.1f s (adding took %.1f s); end stats: %s",
        seconds, addSeconds, end);
    ChaosRunner.say(
        "s1: %d kills (%d ticks killed nobody); pool saw %d deaths, %d of them while a job ran;"
            + " %d result files",
        killer.kills(), killer.idleTicks(), deaths, interrupted.get(), ran.files());
    ChaosRunner.say(
        "s1: %d handler starts, %d cut short by a kill; %d starts read from the records of dead"
            + " children",
        ran.starts(), ran.interrupted(), notes.size());
    ChaosRunner.say(
        "s1: idle() completed %d times while failed jobs still waited out their backoff",
        earlyIdles.get());
    ChaosRunner.say(
        "s1: %d keys ran more than once (%d extra runs); %d lost; %d dead; %d jobs charged an"
            + " attempt that never started",
        ran.keysRunTwiceOrMore(), ran.duplicates(), lost, dead.size(), charges.jobs());
    for (DeadJob<ChaosJob> d : dead.subList(0, Math.min(5, dead.size()))) {
      ChaosRunner.say(
          "s1: dead job %d %s after %d attempts: %s",
          d.id(), deadKeys.get(d.id()), d.attempts(), firstLine(d.lastError()));
    }
    ChaosRunner.reportSome(done ? "s1: lost" : "s1: not run (some still stored)", notRun);
    ChaosRunner.reportSome("s1: charged without a start", charges.unstarted());
    List<String> figures =
        List.of(
            String.format(
                "%d children killed, %d of them while a job ran; %d jobs; %d runs cut short;"
                    + " %d extra runs; %d wrongly charged",
                killer.kills(),
                interrupted.get(),
                acked.size(),
                ran.interrupted(),
                ran.duplicates(),
                charges.jobs()));
    return new Outcome(
        "1: kill -9 workers",
        acked.size(),
        ran.keys().size(),
        lost,
        ran.duplicates(),
        unacked,
        dead.size(),
        charges.jobs(),
        0,
        killer.kills(),
        seconds,
        problems,
        figures);
  }

  /**
   * Stores keys s1-0, s1-1, ... while {@code more} says so and the backlog allows: one thread with
   * addAll, the others with add.
   */
  private void store(
      NightCoral<ChaosJob> nc, BooleanSupplier more, Set<String> acked, List<String> problems)
      throws InterruptedException {
    ExecutorService adders = Executors.newFixedThreadPool(1 + SINGLE_ADDERS);
    List<Future<?>> work = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    Random batches = new Random(random.nextLong());
    work.add(
        adders.submit(
            () -> {
              while (awaitRoom(nc, more)) {
                int size = 1 + batches.nextInt(MAX_BATCH);
                int first = next.getAndAdd(size);
                List<ChaosJob> batch = new ArrayList<>(size);
                for (int i = first; i < first + size; i++) {
                  batch.add(new ChaosJob(key(i)));
                }
                nc.addAll(batch);
                batch.forEach(j -> acked.add(j.key()));
              }
              return null;
            }));
    for (int t = 0; t < SINGLE_ADDERS; t++) {
      work.add(
          adders.submit(
              () -> {
                while (awaitRoom(nc, more)) {
                  String key = key(next.getAndIncrement());
                  nc.add(new ChaosJob(key));
                  acked.add(key);
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

  /** Waits while the backlog is full; false once {@code more} says to stop adding. */
  private boolean awaitRoom(NightCoral<?> nc, BooleanSupplier more) throws InterruptedException {
    while (more.getAsBoolean()) {
      if (nc.stats().queued() < settings.s1Backlog()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return false;
  }

  private static String key(int i) {
    return "s1-" + i;
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
        10,
        10,
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
