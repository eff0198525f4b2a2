package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Latency scenarios on an idle pool of 2 children: a query's round trip, the dispatch of a new job,
 * and how late timers fire while many others are pending.
 *
 * <p>Dispatch latency compares {@code System.nanoTime()} across two processes: on Linux it reads
 * CLOCK_MONOTONIC, one clock for the whole machine. Timer lateness compares the handler's {@code
 * Instant.now()} (microseconds) with the timer's due time (epoch millis).
 */
final class Latency {
  private static final int WARM_UP = Workload.scaled(5_000, 20);
  private static final int SAMPLES = Workload.scaled(2_000, 50);
  private static final int PENDING_TIMERS = Workload.scaled(100_000, 100);
  private static final int TIMER_ADDERS = 16;
  private static final int DUE_TIMERS = Workload.scaled(500, 20);
  private static final int WARM_UP_TIMERS = 20;
  private static final long FIRST_DUE_MILLIS = 1_000;
  private static final long DUE_SPACING_MILLIS = 10;

  private Latency() {}

  static Scenario query() {
    Metric p50 = new Metric("query p50", "ms", Target.atMost(0.5));
    Metric p99 = new Metric("query p99", "ms", Target.atMost(2));
    return new Scenario(
        "query",
        "addQuery(...).reply().get(), one at a time, "
            + SAMPLES
            + " after "
            + WARM_UP
            + " warm-up, 2 idle children",
        List.of(p50, p99),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            nc.launch(BenchHandler.class, 2);
            BenchJob job = BenchJob.of(BenchJob.NANOS);
            double[] ms = new double[SAMPLES];
            for (int i = -WARM_UP; i < SAMPLES; i++) {
              long start = System.nanoTime();
              Workload.get(nc.addQuery(job).reply());
              if (i >= 0) {
                ms[i] = Samples.millis(System.nanoTime() - start);
              }
            }
            trial.record(p50, Samples.percentile(ms, 50));
            trial.record(p99, Samples.percentile(ms, 99));
          }
        });
  }

  static Scenario dispatch() {
    Metric p50 = new Metric("dispatch p50", "ms", Target.atMost(0.3));
    Metric p99 = new Metric("dispatch p99", "ms", Target.none());
    return new Scenario(
        "dispatch",
        "nanoTime before addQuery to nanoTime at the start of handle, "
            + SAMPLES
            + " after "
            + WARM_UP
            + " warm-up, 2 idle children",
        List.of(p50, p99),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            nc.launch(BenchHandler.class, 2);
            BenchJob job = BenchJob.of(BenchJob.NANOS);
            double[] ms = new double[SAMPLES];
            for (int i = -WARM_UP; i < SAMPLES; i++) {
              long start = System.nanoTime();
              BenchJob reply = Workload.get(nc.addQuery(job).reply());
              if (i >= 0) {
                ms[i] = Samples.millis(reply.a() - start);
              }
            }
            trial.record(p50, Samples.percentile(ms, 50));
            trial.record(p99, Samples.percentile(ms, 99));
          }
        });
  }

  static Scenario timers() {
    Metric setup =
        new Metric(
            "timers setup (addTimer x" + TIMER_ADDERS + " threads)", "jobs/s", Target.none());
    Metric p50 = new Metric("timers p50", "ms", Target.none());
    Metric p99 = new Metric("timers p99", "ms", Target.atMost(1));
    Metric max = new Metric("timers max", "ms", Target.none());
    Metric early = new Metric("timers early", "count", Target.exactly(0));
    return new Scenario(
        "timers",
        "children warmed up ("
            + WARM_UP
            + " queries, "
            + WARM_UP_TIMERS
            + " timers), "
            + PENDING_TIMERS
            + " timers pending 1 h ahead, then "
            + DUE_TIMERS
            + " timers due over "
            + DUE_TIMERS * DUE_SPACING_MILLIS / 1000
            + " s; lateness = handler start - due",
        List.of(setup, p50, p99, max, early),
        trial -> {
          Queue<BenchJob> fired = new ConcurrentLinkedQueue<>();
          Semaphore firedCount = new Semaphore(0);
          try (NightCoral<BenchJob> nc =
              trial
                  .builder()
                  .localHandler(
                      posted -> {
                        if (!BenchJob.FIRED.equals(posted.task())) {
                          return posted;
                        }
                        fired.add(posted);
                        firedCount.release();
                        return null;
                      })
                  .build()) {
            nc.launch(BenchHandler.class, 2);
            // a child's first jobs load and link classes (Jackson, the handler): not the timers'
            // cost
            for (int i = 0; i < WARM_UP; i++) {
              Workload.get(nc.addQuery(BenchJob.of(BenchJob.NANOS)).reply());
            }
            fireTimers(nc, WARM_UP_TIMERS, firedCount);
            fired.clear();

            long start = System.nanoTime();
            Workload.addTimers(nc, PENDING_TIMERS, Duration.ofHours(1), TIMER_ADDERS);
            trial.record(setup, Samples.perSecond(PENDING_TIMERS, System.nanoTime() - start));

            fireTimers(nc, DUE_TIMERS, firedCount);
            double[] lateMs =
                fired.stream().mapToDouble(f -> (f.b() - f.a() * 1000) / 1000.0).toArray();
            trial.record(p50, Samples.percentile(lateMs, 50));
            trial.record(p99, Samples.percentile(lateMs, 99));
            trial.record(max, Samples.percentile(lateMs, 100));
            trial.record(early, Arrays.stream(lateMs).filter(ms -> ms < 0).count());
          }
        });
  }

  /**
   * Adds {@code count} timers due {@link #DUE_SPACING_MILLIS} apart (each at a random millisecond
   * of its slot), the first {@link #FIRST_DUE_MILLIS} from now, and waits until all have fired.
   */
  private static void fireTimers(NightCoral<BenchJob> nc, int count, Semaphore firedCount)
      throws Exception {
    long firstDue = System.currentTimeMillis() + FIRST_DUE_MILLIS;
    for (int i = 0; i < count; i++) {
      long due =
          firstDue
              + i * DUE_SPACING_MILLIS
              + ThreadLocalRandom.current().nextLong(DUE_SPACING_MILLIS);
      nc.addTimerAt(Instant.ofEpochMilli(due), new BenchJob(BenchJob.TIMER, due, 0));
    }
    if (System.currentTimeMillis() >= firstDue) {
      throw new IllegalStateException(
          "adding the due timers took longer than " + FIRST_DUE_MILLIS + " ms");
    }
    long waitMillis = FIRST_DUE_MILLIS + count * DUE_SPACING_MILLIS + Workload.WAIT_SECONDS * 1000;
    if (!firedCount.tryAcquire(count, waitMillis, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "only " + firedCount.availablePermits() + " of " + count + " timers fired");
    }
  }
}
