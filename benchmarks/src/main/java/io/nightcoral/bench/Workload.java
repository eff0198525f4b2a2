package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Shared pieces of the scenarios: job lists, concurrent adders, bounded waits, the worker children.
 */
final class Workload {
  /** The longest any single wait of a benchmark may take before the repetition fails. */
  static final long WAIT_SECONDS = 300;

  /**
   * {@code bench.scale} (default 1): a factor on the job and sample counts of the throughput,
   * latency and reference scenarios (and the peers'); below 1 only to check the harness quickly.
   */
  static final double SCALE = scale();

  private static final String WORKER_MAIN = "io.nightcoral.worker.WorkerMain";

  private Workload() {}

  private static double scale() {
    String text = System.getProperty("bench.scale", "1").trim();
    double scale = Double.parseDouble(text);
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("bench.scale must be a number above 0, was " + text);
    }
    return scale;
  }

  /** {@code n} times {@link #SCALE}, rounded, and at least {@code least}. */
  static int scaled(int n, int least) {
    return (int) Math.max(least, Math.min(Integer.MAX_VALUE, Math.round(n * SCALE)));
  }

  /** {@code n} jobs of {@code task}, as one immutable list. */
  static List<BenchJob> jobs(int n, String task) {
    return Collections.nCopies(n, BenchJob.of(task));
  }

  /**
   * Waits until {@code workers} workers are idle and {@code spares} spares are ready, failing the
   * repetition after {@link #WAIT_SECONDS}.
   */
  static Stats awaitFullPool(NightCoral<BenchJob> nc, int workers, int spares) {
    return awaitStats(
        nc, s -> s.workers() == workers && s.idleWorkers() == workers && s.spares() == spares);
  }

  /**
   * Waits until {@code nc}'s stats show what {@code ready} wants, failing the repetition after
   * {@link #WAIT_SECONDS}.
   */
  static Stats awaitStats(NightCoral<BenchJob> nc, Predicate<Stats> ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      Stats s = nc.stats();
      if (ready.test(s)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pool did not get ready: " + s);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Waits for {@code future}, failing the repetition after {@link #WAIT_SECONDS}. */
  static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Runs {@code body} on {@code threads} threads released at the same moment, and returns the
   * nanoseconds from the release until the last thread is done.
   */
  static long concurrently(int threads, Callable<Void> body) throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "bench-client");
              t.setDaemon(true);
              return t;
            });
    try {
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch waiting = new CountDownLatch(threads);
      List<Future<Void>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  waiting.countDown();
                  go.await();
                  return body.call();
                }));
      }
      if (!waiting.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("client threads did not start");
      }
      long start = System.nanoTime();
      go.countDown();
      for (Future<Void> f : done) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }
      return System.nanoTime() - start;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Adds {@code count} timers due after {@code delay} with {@code addTimer} from {@code threads}
   * threads.
   */
  static void addTimers(NightCoral<BenchJob> nc, int count, Duration delay, int threads)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    BenchJob job = BenchJob.of(BenchJob.NOOP);
    concurrently(
        threads,
        () -> {
          while (next.getAndIncrement() < count) {
            nc.addTimer(delay, job);
          }
          return null;
        });
  }

  /** The live worker children of this JVM. */
  static List<ProcessHandle> workerChildren() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(
                        args ->
                            List.of(args).contains(WORKER_MAIN)
                                && !List.of(args).contains("--train"))
                    .orElse(false))
        .toList();
  }
}
