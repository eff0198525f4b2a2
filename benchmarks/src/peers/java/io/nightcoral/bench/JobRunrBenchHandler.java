package io.nightcoral.bench;

import java.time.Instant;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * Runs {@link JobRunrBenchRequest}s on JobRunr's worker threads: reads the clocks first, then
 * reports to the run's sink.
 */
public final class JobRunrBenchHandler implements JobRequestHandler<JobRunrBenchRequest> {
  private final PeerSink sink;

  JobRunrBenchHandler(PeerSink sink) {
    this.sink = sink;
  }

  /** Runs one request; see {@link JobRunrBenchRequest} for the tasks. */
  @Override
  public void run(JobRunrBenchRequest request) {
    long nanos = System.nanoTime();
    Instant wall = Instant.now();
    switch (request.task()) {
      case JobRunrBenchRequest.NOOP:
        sink.noop();
        break;
      case JobRunrBenchRequest.PROBE:
        sink.probe(request.a(), nanos);
        break;
      case JobRunrBenchRequest.TIMER:
        sink.fired(request.a(), wall);
        break;
      case JobRunrBenchRequest.PENDING:
        break;
      default:
        throw new IllegalArgumentException("unknown task " + request.task());
    }
  }
}
