package io.nightcoral.bench;

import org.jobrunr.jobs.lambdas.JobRequest;

/**
 * The JobRunr benchmarks' job: a task and one number, stored by JobRunr as JSON.
 *
 * <p>Tasks: {@link #NOOP} does nothing; {@link #PROBE} reports when it started, {@code a} being the
 * {@code System.nanoTime()} of its enqueue; {@link #TIMER} reports when it started, {@code a} being
 * its due time in epoch millis; {@link #PENDING} is never due during a run.
 */
public final class JobRunrBenchRequest implements JobRequest {
  static final String NOOP = "noop";
  static final String PROBE = "probe";
  static final String TIMER = "timer";
  static final String PENDING = "pending";

  private static final long serialVersionUID = 1L;

  private String task;
  private long a;

  /** For JobRunr's JSON mapper. */
  private JobRunrBenchRequest() {}

  JobRunrBenchRequest(String task, long a) {
    this.task = task;
    this.a = a;
  }

  String task() {
    return task;
  }

  long a() {
    return a;
  }

  /** The handler JobRunr runs this request with. */
  @Override
  public Class<JobRunrBenchHandler> getJobRequestHandler() {
    return JobRunrBenchHandler.class;
  }
}
