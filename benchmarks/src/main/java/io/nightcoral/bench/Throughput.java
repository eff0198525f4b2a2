package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import java.util.List;

/** Throughput scenarios: burning down a backlog, and storing jobs with add and addAll. */
final class Throughput {
  private static final int BATCH = 1_000;
  private static final int BURN_JOBS = BATCH * Workload.scaled(100, 1);
  private static final int ADD1_JOBS = Workload.scaled(20_000, 100);
  private static final int ADD8_THREADS = 8;
  private static final int ADD_JOBS_PER_THREAD = Workload.scaled(10_000, 100);
  private static final int ADDALL_BATCHES = Workload.scaled(200, 2);
  private static final int WARM_UP_JOBS = 2_000;
  private static final int WARM_UP_BURN_JOBS = BATCH * Workload.scaled(50, 1);
  private static final int WARM_UP_BURNS = 3;

  private Throughput() {}

  /**
   * The burn-down of a backlog; with {@code synchronous=FULL} (the default) it carries SPEC §8's
   * targets: median at least 80,000 jobs/s, and no repetition below 50,000.
   */
  static Scenario burn(String name, String synchronous) {
    boolean targeted = synchronous.equals("FULL");
    Metric rate = new Metric(name, "jobs/s", targeted ? Target.atLeast(80_000) : Target.none());
    Metric worst =
        new Metric(
            name + " worst repetition",
            "jobs/s",
            targeted ? Target.atLeast(50_000).onWorst() : Target.none());
    return new Scenario(
        name,
        "burn-down of "
            + BURN_JOBS
            + " no-op jobs added before launch, 2 children, synchronous="
            + synchronous,
        List.of(rate, worst),
        trial -> {
          double perSecond =
              burnDown(
                  trial.builder().synchronous(io.nightcoral.Synchronous.valueOf(synchronous)),
                  BURN_JOBS);
          trial.record(rate, perSecond);
          trial.record(worst, perSecond);
        },
        // the benchmark JVM compiles the coordinator's code, as in a server that has been running:
        // what runs once per turn is compiled only after some thousands of turns
        trial -> {
          for (int i = 0; i < WARM_UP_BURNS; i++) {
            burnDown(
                NightCoral.builder(BenchJob.class)
                    .databaseFile(trial.dir().resolve("warm-up-" + i + ".db"))
                    .synchronous(io.nightcoral.Synchronous.valueOf(synchronous)),
                WARM_UP_BURN_JOBS);
          }
        });
  }

  /**
   * Stores {@code jobs} no-op jobs, launches 2 children and waits for them and the warm spare to be
   * ready; returns the jobs per second from then until the queue is idle.
   */
  private static double burnDown(NightCoralBuilder<BenchJob> builder, int jobs) throws Exception {
    try (NightCoral<BenchJob> nc = builder.build()) {
      List<BenchJob> batch = Workload.jobs(BATCH, BenchJob.NOOP);
      for (int i = 0; i < jobs / BATCH; i++) {
        nc.addAll(batch);
      }
      nc.launch(BenchHandler.class, 2);
      // launch returns before the warm spare is up: its start is not part of the burn
      Workload.awaitStats(nc, s -> s.spares() == NightCoralBuilder.DEFAULT_WARM_SPARES);
      long start = System.nanoTime();
      Workload.get(nc.idle());
      long elapsed = System.nanoTime() - start;
      long retired = nc.stats().retired();
      if (retired != jobs) {
        throw new IllegalStateException("retired " + retired + " jobs, expected " + jobs);
      }
      return Samples.perSecond(jobs, elapsed);
    }
  }

  /** Single adds from one thread: at least 0.9 times the reference's single-row commits. */
  static Scenario add1() {
    Metric rate = new Metric("add1", "jobs/s", Target.none());
    Metric ratio = new Metric("add1 / ref 1 row", Metric.RATIO, Target.atLeast(0.9));
    return new Scenario(
        "add1",
        ADD1_JOBS
            + " adds from 1 thread, each durable on return, no workers; / the single-row reference",
        List.of(rate, ratio),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            BenchJob job = BenchJob.of(BenchJob.NOOP);
            for (int i = 0; i < WARM_UP_JOBS; i++) {
              nc.add(job);
            }
            long start = System.nanoTime();
            for (int i = 0; i < ADD1_JOBS; i++) {
              nc.add(job);
            }
            trial.recordWithRatio(
                rate,
                Samples.perSecond(ADD1_JOBS, System.nanoTime() - start),
                ratio,
                Reference.SINGLE);
          }
        });
  }

  /** Adds from 8 threads: at least 5 times the reference's single-row commits. */
  static Scenario add8() {
    return addFromThreads("add8", ADD8_THREADS, Target.atLeast(5));
  }

  /**
   * {@code threads} threads adding at once, each add durable on return (group commit); {@code
   * target} is on the ratio to the single-row reference of the same repetition.
   */
  static Scenario addFromThreads(String name, int threads, Target target) {
    Metric rate = new Metric(name, "jobs/s", Target.none());
    Metric ratio = new Metric(name + " / ref 1 row", Metric.RATIO, target);
    return new Scenario(
        name,
        threads
            + " threads x "
            + ADD_JOBS_PER_THREAD
            + " adds at once (group commit), no workers; / the single-row reference",
        List.of(rate, ratio),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            BenchJob job = BenchJob.of(BenchJob.NOOP);
            Workload.concurrently(
                threads,
                () -> {
                  for (int i = 0; i < WARM_UP_JOBS / threads; i++) {
                    nc.add(job);
                  }
                  return null;
                });
            long elapsed =
                Workload.concurrently(
                    threads,
                    () -> {
                      for (int i = 0; i < ADD_JOBS_PER_THREAD; i++) {
                        nc.add(job);
                      }
                      return null;
                    });
            trial.recordWithRatio(
                rate,
                Samples.perSecond((long) threads * ADD_JOBS_PER_THREAD, elapsed),
                ratio,
                Reference.SINGLE);
          }
        });
  }

  /** Batches of 1,000: at least 0.7 times the reference's 1,000-row commits. */
  static Scenario addAll() {
    Metric rate = new Metric("addAll", "jobs/s", Target.none());
    Metric ratio = new Metric("addAll / ref 1,000 rows", Metric.RATIO, Target.atLeast(0.7));
    return new Scenario(
        "addAll",
        ADDALL_BATCHES
            + " addAll calls of "
            + BATCH
            + " jobs, no workers; / the 1,000-row reference",
        List.of(rate, ratio),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            List<BenchJob> batch = Workload.jobs(BATCH, BenchJob.NOOP);
            for (int i = 0; i < WARM_UP_JOBS / BATCH; i++) {
              nc.addAll(batch);
            }
            long start = System.nanoTime();
            for (int i = 0; i < ADDALL_BATCHES; i++) {
              nc.addAll(batch);
            }
            trial.recordWithRatio(
                rate,
                Samples.perSecond((long) ADDALL_BATCHES * BATCH, System.nanoTime() - start),
                ratio,
                Reference.BATCHED);
          }
        });
  }
}
