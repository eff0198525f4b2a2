package io.nightcoral.bench;

import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.time.Instant;

/**
 * The handler the benchmarks' children run: it reads the clocks first, then does as little as the
 * task allows. The children get the benchmark's class path, so this class needs no jar of its own.
 */
public final class BenchHandler implements JobHandler<BenchJob, Void> {

  /** Runs one benchmark job; see {@link BenchJob} for the tasks. */
  @Override
  public BenchJob handle(BenchJob job, Void state, WorkerPortal<BenchJob> portal) {
    long nanos = System.nanoTime();
    Instant wall = Instant.now();
    switch (job.task()) {
      case BenchJob.NOOP:
        return null;
      case BenchJob.NANOS:
        return new BenchJob(BenchJob.NANOS, nanos, 0);
      case BenchJob.TIMER:
        // timers have no reply; the start time goes back as a posted job that the server's
        // localHandler takes instead of storing it
        long micros =
            Math.addExact(
                Math.multiplyExact(wall.getEpochSecond(), 1_000_000L), wall.getNano() / 1_000);
        portal.postJob(new BenchJob(BenchJob.FIRED, job.a(), micros));
        return null;
      default:
        throw new IllegalArgumentException("unknown task " + job.task());
    }
  }
}
