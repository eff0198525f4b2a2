package io.nightcoral.chaos;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralException;
import io.nightcoral.Stats;
import io.nightcoral.WorkerPoolError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 3: the database's disk fills up while jobs are added and run, stays full a few seconds,
 * and is freed again. Adds made while it is full must fail with a {@link NightCoralException}
 * (refused: nothing was promised for them); what the workers report meanwhile must not be lost;
 * after the disk is freed the queue must drain, every acknowledged job must have run exactly once
 * (no child dies here, so a second run would mean a lost report), nothing may stay running, {@code
 * idle()} must complete and {@code close()} must return promptly.
 *
 * <p>The disk is a small tmpfs mounted for the run and filled with a file (see {@link TmpfsDisk});
 * where mounting is not allowed, SQLite's {@code max_page_count} stands in for it (see {@link
 * PageCapDisk}). The result files are on the ordinary disk.
 */
final class DiskFullScenario {
  private static final int CHILDREN = 2;
  private static final int SINGLE_ADDERS = 2;
  private static final int BATCH = 20;

  /** The adders pause while this many jobs are queued, except while the disk is full. */
  private static final int BACKLOG = 500;

  private static final long REFUSED_PAUSE_MILLIS = 20;
  private static final Duration BEFORE = Duration.ofSeconds(3);
  private static final Duration AFTER = Duration.ofSeconds(3);
  private static final Duration FIRST_REFUSAL_LIMIT = Duration.ofSeconds(30);
  private static final Duration PROBE_LIMIT = Duration.ofSeconds(10);
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(10);
  private static final long CLOSE_EXIT_MILLIS = 5_000;

  private final ChaosSettings settings;
  private final Path dir;
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final AtomicInteger next = new AtomicInteger();
  private final List<String> problems = new ArrayList<>();
  private final List<Future<Void>> adderWork = new ArrayList<>();
  private volatile boolean adding = true;
  private volatile boolean throttled = true;

  DiskFullScenario(ChaosSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
  }

  Outcome run() throws Exception {
    Files.createDirectories(dir);
    List<String> figures = new ArrayList<>();
    long started = System.nanoTime();
    FullDisk disk = chooseDisk(figures);
    if (disk == null) {
      return outcome(RanJobs.read(dir.resolve("ran")), 0, 0, started, figures);
    }
    try {
      return run(disk, figures, started);
    } finally {
      disk.close();
    }
  }

  private FullDisk chooseDisk(List<String> figures) throws InterruptedException {
    if (settings.s3Disk().equals("pragma")) {
      return new PageCapDisk(dir.resolve("db"));
    }
    try {
      return TmpfsDisk.mount(dir.resolve("disk"), settings.s3DiskMegabytes());
    } catch (IOException e) {
      if (settings.s3Disk().equals("tmpfs")) {
        problems.add("cannot mount a tmpfs (chaos.s3.disk=tmpfs): " + e.getMessage());
        return null;
      }
      String note =
          "mounting a tmpfs is not allowed here ("
              + e.getMessage()
              + "); fell back to PRAGMA max_page_count";
      ChaosRunner.say("s3: %s", note);
      figures.add(note);
      return new PageCapDisk(dir.resolve("db"));
    }
  }

  private Outcome run(FullDisk disk, List<String> figures, long started) throws Exception {
    Path database = disk.folder().resolve("s3.db");
    Path results = dir.resolve("ran");
    AtomicLong deaths = new AtomicLong();
    ChaosRunner.say(
        "s3: the database on %s; jobs of %d ms through %d children; the disk stays full %d s",
        disk.describe(), settings.s3JobMillis(), CHILDREN, settings.s3Full().toSeconds());
    NightCoral<ChaosJob> nc =
        NightCoral.builder(ChaosJob.class)
            .databaseFile(database)
            .workerConfig(
                Map.of(
                    ChaosHandler.RESULTS_DIR,
                    results.toString(),
                    ChaosHandler.START_RECORDS,
                    StartNotes.folderOf(database).toString(),
                    ChaosHandler.JOB_MILLIS,
                    settings.s3JobMillis()))
            .notifyError(
                e -> {
                  if (e.kind() != WorkerPoolError.Kind.JOB_DEAD) {
                    deaths.incrementAndGet();
                  }
                })
            .build();
    Stats end;
    int dead;
    double closeSeconds;
    long doneWhileFull;
    long ackedWhileFull;
    try {
      nc.launch(ChaosHandler.class, CHILDREN);
      ExecutorService adders = startAdders(nc);
      try {
        Waits.until(System.nanoTime() + BEFORE.toNanos());
        long doneAtFill = RanJobs.read(results).finished();
        throttled = false; // while the disk is full, every adder keeps trying
        long ackedAtFill = acked.size();
        String filled = disk.fill(nc);
        long fullAt = System.nanoTime();
        ChaosRunner.say("s3: disk full: %s; %d jobs acked so far", filled, ackedAtFill);
        figures.add("disk full: " + filled);
        if (!awaitFirstRefusal()) {
          problems.add(
              "no add was refused within "
                  + FIRST_REFUSAL_LIMIT.toSeconds()
                  + " s of filling the disk");
        } else {
          ChaosRunner.say(
              "s3: first add refused %.1f s after the disk filled", Waits.seconds(fullAt));
        }
        Waits.until(System.nanoTime() + settings.s3Full().toNanos());
        throttled = true;
        doneWhileFull = RanJobs.read(results).finished() - doneAtFill;
        ackedWhileFull = acked.size() - ackedAtFill;
        disk.free(nc);
        ChaosRunner.say(
            "s3: disk freed after %.1f s full: %d adds refused, %d accepted; %d jobs finished by"
                + " the workers meanwhile",
            Waits.seconds(fullAt), refused.size(), ackedWhileFull, doneWhileFull);
        probeAfterFree(nc);
        Waits.until(System.nanoTime() + AFTER.toNanos());
      } finally {
        adding = false;
        adders.shutdown();
      }
      awaitAdders(adders);
      ChaosRunner.say("s3: %d jobs acked, %d refused; draining", acked.size(), refused.size());
      long draining = System.nanoTime();
      if (!Waits.awaitEmpty(nc, DRAIN_LIMIT, new AtomicLong())) {
        problems.add(
            "the queue did not empty (or idle() did not complete) within "
                + DRAIN_LIMIT.toSeconds()
                + " s of the disk being freed: "
                + nc.stats());
      }
      end = nc.stats();
      ChaosRunner.say("s3: drained in %.1f s; %s", Waits.seconds(draining), end);
      if (end.running() != 0 || end.queued() != 0) {
        problems.add("jobs left running or queued after the drain: " + end);
      }
      dead = nc.deadJobs().size();
    } finally {
      long closing = System.nanoTime();
      nc.close();
      closeSeconds = Waits.seconds(closing);
    }
    ChaosRunner.say("s3: close() took %.2f s", closeSeconds);
    if (closeSeconds > CLOSE_LIMIT.toSeconds()) {
      problems.add(
          String.format(
              "close() took %.1f s, more than %d s", closeSeconds, CLOSE_LIMIT.toSeconds()));
    }
    int survivors = Waits.awaitNoWorkers(CLOSE_EXIT_MILLIS);
    if (survivors > 0) {
      problems.add(survivors + " worker children alive " + CLOSE_EXIT_MILLIS + " ms after close()");
    }
    if (deaths.get() > 0) {
      problems.add(deaths.get() + " worker deaths in a scenario that kills no child");
    }
    figures.add(
        String.format(
            "while the disk was full: %d adds refused, %d accepted (SQLite reused WAL space freed by"
                + " checkpoints), %d jobs finished by the workers; close() took %.2f s",
            refused.size(), ackedWhileFull, doneWhileFull, closeSeconds));
    return outcome(RanJobs.read(results), dead, end.running(), started, figures);
  }

  private Outcome outcome(RanJobs ran, int dead, long stuck, long started, List<String> figures) {
    List<String> lost = acked.stream().filter(k -> ran.runs(k) == 0).sorted().toList();
    List<String> refusedRan = refused.stream().filter(k -> ran.runs(k) > 0).sorted().toList();
    long unacked = ran.keys().stream().filter(k -> !acked.contains(k)).count();
    problems.addAll(ran.fileProblems());
    if (ran.duplicates() > 0) {
      problems.add(
          ran.duplicates()
              + " extra runs where no child died: workers' reports were lost (or jobs resent)");
    }
    if (!refusedRan.isEmpty()) {
      problems.add(refusedRan.size() + " jobs ran although their add threw");
    }
    Charges charges = Charges.check(ran, List.of(), Map.of(), Map.of());
    ChaosRunner.say(
        "s3: %d acked, %d ran, %d lost, %d extra runs, %d stuck running, %d dead, %d wrongly"
            + " charged",
        acked.size(),
        ran.keys().size(),
        lost.size(),
        ran.duplicates(),
        stuck,
        dead,
        charges.jobs());
    ChaosRunner.reportSome("s3: lost", lost);
    ChaosRunner.reportSome("s3: refused, yet ran", refusedRan);
    ChaosRunner.reportSome("s3: charged without a start", charges.unstarted());
    return new Outcome(
        "3: full disk",
        acked.size(),
        ran.keys().size(),
        lost.size(),
        ran.duplicates(),
        unacked,
        dead,
        charges.jobs(),
        refused.size(),
        0,
        Waits.seconds(started),
        problems,
        figures);
  }

  /** Starts the adders: one with addAll, the others with add, until the adding stops. */
  private ExecutorService startAdders(NightCoral<ChaosJob> nc) {
    ExecutorService adders = Executors.newFixedThreadPool(1 + SINGLE_ADDERS);
    adderWork.add(adders.submit(() -> addLoop(nc, BATCH)));
    for (int t = 0; t < SINGLE_ADDERS; t++) {
      adderWork.add(adders.submit(() -> addLoop(nc, 1)));
    }
    return adders;
  }

  private Void addLoop(NightCoral<ChaosJob> nc, int size) throws InterruptedException {
    while (adding) {
      if (throttled && nc.stats().queued() >= BACKLOG) {
        TimeUnit.MILLISECONDS.sleep(10);
        continue;
      }
      int first = next.getAndAdd(size);
      List<ChaosJob> jobs = new ArrayList<>(size);
      for (int i = first; i < first + size; i++) {
        jobs.add(new ChaosJob("s3-" + i));
      }
      try {
        if (size == 1) {
          nc.add(jobs.get(0));
        } else {
          nc.addAll(jobs);
        }
        jobs.forEach(j -> acked.add(j.key()));
      } catch (NightCoralException e) {
        jobs.forEach(j -> refused.add(j.key()));
        TimeUnit.MILLISECONDS.sleep(REFUSED_PAUSE_MILLIS);
      }
    }
    return null;
  }

  /** Adds one job once the disk has room again: it must be accepted within a few tries. */
  private void probeAfterFree(NightCoral<ChaosJob> nc) throws InterruptedException {
    long deadline = System.nanoTime() + PROBE_LIMIT.toNanos();
    int tries = 0;
    while (System.nanoTime() < deadline) {
      String key = "s3-" + next.getAndIncrement();
      tries++;
      try {
        nc.add(new ChaosJob(key));
        acked.add(key);
        ChaosRunner.say("s3: an add after the disk was freed was accepted at try %d", tries);
        return;
      } catch (NightCoralException e) {
        refused.add(key);
        TimeUnit.MILLISECONDS.sleep(REFUSED_PAUSE_MILLIS);
      }
    }
    problems.add(
        "no add was accepted in the " + PROBE_LIMIT.toSeconds() + " s after the disk was freed");
  }

  private boolean awaitFirstRefusal() throws InterruptedException {
    long deadline = System.nanoTime() + FIRST_REFUSAL_LIMIT.toNanos();
    while (refused.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return !refused.isEmpty();
  }

  /** Waits for the adders to stop; one that failed with anything but a refusal is a problem. */
  private void awaitAdders(ExecutorService adders) throws InterruptedException {
    if (!adders.awaitTermination(30, TimeUnit.SECONDS)) {
      problems.add("the adders did not stop within 30 s");
      adders.shutdownNow();
      return;
    }
    for (Future<Void> f : adderWork) {
      try {
        f.get();
      } catch (ExecutionException e) {
        problems.add(
            "an add failed with something other than NightCoralException: " + e.getCause());
      }
    }
  }
}
