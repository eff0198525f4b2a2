package io.nightcoral.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * NightCoral's scenarios, as far as a peer can run them: burn-down, enqueue from 1 and 4 threads,
 * dispatch latency and timer lateness, each repetition on a new SQLite file (WAL, FULL).
 *
 * <p>The sizes are the documented ones times {@code bench.scale} (default 1). The peers are more
 * than ten times slower than NightCoral, so their burn-down has fewer jobs than NightCoral's; every
 * figure is a rate or a percentile, so the sizes only set how long a run takes.
 */
final class PeerScenarios {
  /** No-op jobs of a peer's burn-down (NightCoral's: 100,000). */
  static final int BURN_JOBS = 20_000;

  /** Adds from 1 thread; from 4 threads, a quarter of this each. */
  static final int ADD_JOBS = 10_000;

  static final int ADD_THREADS = 4;

  /** Dispatch samples of a peer that is woken when a job is added (one at a time). */
  static final int DISPATCH_SAMPLES = 1_000;

  /** Dispatch samples of a peer that only polls (added at random gaps, not waited for). */
  static final int POLLED_DISPATCH_SAMPLES = 40;

  /** Timers pending an hour ahead while the due ones fire (NightCoral's: 100,000). */
  static final int PENDING_TIMERS = 100_000;

  /** Timers due, 10 ms apart (as NightCoral's). */
  static final int DUE_TIMERS = 500;

  private static final int WORKERS = 2;
  private static final int WARM_UP_TIMERS = 5;
  private static final long DUE_SPACING_MILLIS = 10;
  private static final long FIRST_DUE_MILLIS = 2_000;
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(Workload.WAIT_SECONDS);

  private final Peer peer;

  PeerScenarios(Peer peer) {
    this.peer = peer;
  }

  /** The peer's burn-down, enqueue (1 and 4 threads), dispatch and timers scenarios. */
  List<Scenario> all() {
    return List.of(burn(), add(1), add(ADD_THREADS), dispatch(), timers());
  }

  /** The metric of {@code peer} named {@code what} ({@code "burn"}, {@code "timers p99"}...). */
  static Metric metric(String peerName, String what, String unit) {
    return new Metric(peerName + " " + what, unit, Target.none());
  }

  private String prefix() {
    return peer.name().toLowerCase(java.util.Locale.ROOT) + "-";
  }

  private static Path dbFile(Trial trial) {
    return trial.dir().resolve("peer.db");
  }

  Scenario burn() {
    int jobs = Workload.scaled(BURN_JOBS, 100);
    Metric rate = metric(peer.name(), "burn", "jobs/s");
    return new Scenario(
        prefix() + "burn",
        peer.name()
            + ": burn-down of "
            + jobs
            + " no-op jobs added before the workers start, "
            + WORKERS
            + " worker threads; from the first job's start until the store records all done",
        List.of(rate),
        trial -> {
          PeerSink sink = new PeerSink();
          try (Peer.Engine engine = peer.open(dbFile(trial), sink, true)) {
            engine.addNoops(jobs);
            engine.start();
            await(() -> sink.noops() >= jobs, 100_000, "handlers of " + jobs + " jobs");
            await(() -> engine.noopsDone() >= jobs, 2_000_000, jobs + " jobs recorded done");
            // from the first job's start, so the peer's own start-up is left out, as NightCoral's
            // is (its launch returns once the children are ready)
            long elapsed = System.nanoTime() - sink.firstNoopNanos();
            trial.record(rate, Samples.perSecond(jobs - 1, elapsed));
          }
        });
  }

  Scenario add(int threads) {
    int perThread = Workload.scaled(ADD_JOBS, 100) / threads;
    Metric rate = metric(peer.name(), "add" + threads, "jobs/s");
    return new Scenario(
        prefix() + "add" + threads,
        peer.name()
            + ": "
            + threads
            + " thread(s) x "
            + perThread
            + " single-job adds at once, each durable on return, no workers",
        List.of(rate),
        trial -> {
          try (Peer.Engine engine = peer.open(dbFile(trial), new PeerSink(), false)) {
            Workload.concurrently(
                threads,
                () -> {
                  for (int i = 0; i < Math.max(1, perThread / 10); i++) {
                    engine.addNoop();
                  }
                  return null;
                });
            long elapsed =
                Workload.concurrently(
                    threads,
                    () -> {
                      for (int i = 0; i < perThread; i++) {
                        engine.addNoop();
                      }
                      return null;
                    });
            trial.record(rate, Samples.perSecond((long) threads * perThread, elapsed));
          }
        });
  }

  Scenario dispatch() {
    boolean polled = peer.pollInterval().compareTo(Duration.ofSeconds(1)) >= 0;
    // a peer that only polls is sampled over several of its intervals, at random phases
    long maxGapNanos = peer.pollInterval().toNanos() / 5;
    int samples =
        polled
            ? Workload.scaled(POLLED_DISPATCH_SAMPLES, 10)
            : Workload.scaled(DISPATCH_SAMPLES, 50);
    Metric p50 = metric(peer.name(), "dispatch p50", "ms");
    Metric p99 = metric(peer.name(), "dispatch p99", "ms");
    return new Scenario(
        prefix() + "dispatch",
        peer.name()
            + ": nanoTime before the add to nanoTime at the start of the handler, "
            + samples
            + (polled
                ? " jobs added at random gaps of up to "
                    + TimeUnit.NANOSECONDS.toMillis(maxGapNanos)
                    + " ms (about "
                    + samples / 10
                    + " poll intervals in all)"
                : " jobs one at a time after " + samples / 4 + " warm-up")
            + ", "
            + WORKERS
            + " idle worker threads, polling every "
            + peer.pollInterval().toMillis()
            + " ms",
        List.of(p50, p99),
        trial -> {
          PeerSink sink = new PeerSink();
          try (Peer.Engine engine = peer.open(dbFile(trial), sink, true)) {
            engine.start();
            double[] ms = new double[samples];
            if (polled) {
              engine.addProbe(System.nanoTime());
              nextProbe(sink);
              for (int i = 0; i < samples; i++) {
                engine.addProbe(System.nanoTime());
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxGapNanos + 1));
              }
              for (int i = 0; i < samples; i++) {
                long[] probe = nextProbe(sink);
                ms[i] = Samples.millis(probe[1] - probe[0]);
              }
            } else {
              for (int i = -samples / 4; i < samples; i++) {
                engine.addProbe(System.nanoTime());
                long[] probe = nextProbe(sink);
                if (i >= 0) {
                  ms[i] = Samples.millis(probe[1] - probe[0]);
                }
              }
            }
            trial.record(p50, Samples.percentile(ms, 50));
            trial.record(p99, Samples.percentile(ms, 99));
          }
        });
  }

  Scenario timers() {
    int pending = Workload.scaled(PENDING_TIMERS, 100);
    int due = Workload.scaled(DUE_TIMERS, 20);
    Metric p50 = metric(peer.name(), "timers p50", "ms");
    Metric p99 = metric(peer.name(), "timers p99", "ms");
    Metric max = metric(peer.name(), "timers max", "ms");
    Metric early = metric(peer.name(), "timers early", "count");
    Metric pendingCount = metric(peer.name(), "timers pending", "count");
    return new Scenario(
        prefix() + "timers",
        peer.name()
            + ": "
            + pending
            + " jobs pending 1 h ahead (batch API), then "
            + due
            + " jobs due "
            + DUE_SPACING_MILLIS
            + " ms apart from "
            + FIRST_DUE_MILLIS
            + " ms on (batch API), "
            + WORKERS
            + " worker threads; lateness = handler start - due",
        List.of(p50, p99, max, early, pendingCount),
        trial -> {
          PeerSink sink = new PeerSink();
          try (Peer.Engine engine = peer.open(dbFile(trial), sink, true)) {
            engine.start();
            engine.addProbe(System.nanoTime());
            nextProbe(sink);
            fireTimers(engine, sink, WARM_UP_TIMERS);
            sink.fired().clear();

            engine.addPending(pending, System.currentTimeMillis() + Duration.ofHours(1).toMillis());
            fireTimers(engine, sink, due);
            double[] lateMs =
                sink.fired().stream().mapToDouble(f -> (f[1] - f[0] * 1000) / 1000.0).toArray();
            trial.record(p50, Samples.percentile(lateMs, 50));
            trial.record(p99, Samples.percentile(lateMs, 99));
            trial.record(max, Samples.percentile(lateMs, 100));
            trial.record(early, Arrays.stream(lateMs).filter(ms -> ms < 0).count());
            trial.record(pendingCount, pending);
          }
        });
  }

  /**
   * Adds {@code count} jobs due {@link #DUE_SPACING_MILLIS} apart (each at a random millisecond of
   * its slot), the first {@link #FIRST_DUE_MILLIS} from now, and waits until all have run.
   */
  private static void fireTimers(Peer.Engine engine, PeerSink sink, int count) throws Exception {
    long firstDue = System.currentTimeMillis() + FIRST_DUE_MILLIS;
    long[] due = new long[count];
    for (int i = 0; i < count; i++) {
      due[i] =
          firstDue
              + i * DUE_SPACING_MILLIS
              + ThreadLocalRandom.current().nextLong(DUE_SPACING_MILLIS);
    }
    engine.addTimers(due);
    if (System.currentTimeMillis() >= firstDue) {
      throw new IllegalStateException(
          "adding the due jobs took longer than " + FIRST_DUE_MILLIS + " ms");
    }
    long waitMillis = FIRST_DUE_MILLIS + count * DUE_SPACING_MILLIS + Workload.WAIT_SECONDS * 1000;
    if (!sink.firedCount().tryAcquire(count, waitMillis, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "only " + sink.firedCount().availablePermits() + " of " + count + " due jobs ran");
    }
  }

  private static long[] nextProbe(PeerSink sink) throws InterruptedException {
    long[] probe = sink.probes().poll(Workload.WAIT_SECONDS, TimeUnit.SECONDS);
    if (probe == null) {
      throw new IllegalStateException("no job started within " + Workload.WAIT_SECONDS + " s");
    }
    return probe;
  }

  /** A condition read from the peer, which may throw. */
  private interface Check {
    boolean holds() throws Exception;
  }

  /** Checks {@code check} every {@code pauseNanos} until it holds, for at most the wait bound. */
  private static void await(Check check, long pauseNanos, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!check.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("not reached in " + Workload.WAIT_SECONDS + " s: " + what);
      }
      LockSupport.parkNanos(pauseNanos);
    }
  }

  /** The scenarios of all {@code peers}, in the order given. */
  static List<Scenario> of(List<Peer> peers) {
    List<Scenario> all = new ArrayList<>();
    for (Peer p : peers) {
      all.addAll(new PeerScenarios(p).all());
    }
    return all;
  }
}
