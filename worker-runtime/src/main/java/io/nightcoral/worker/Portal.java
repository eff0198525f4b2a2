package io.nightcoral.worker;

import io.nightcoral.protocol.PostedJob;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link WorkerPortal} of one child: it collects the jobs posted while a job is handled,
 * between {@link #open} and {@link #close}; thread-safe.
 */
final class Portal<J> implements WorkerPortal<J> {

  /**
   * The most jobs one run of a handler may post: they are stored in one transaction with the job's
   * retirement, which every other caller waits for. A handler that fans out further posts a
   * follow-up job that posts the rest.
   */
  static final int MAX_POSTS_PER_JOB = 10_000;

  private final int workerId;
  private final JobCodec<J> codec;
  private List<PostedJob> posted; // null while no job is handled; guarded by this

  Portal(int workerId, JobCodec<J> codec) {
    this.workerId = workerId;
    this.codec = codec;
  }

  @Override
  public int workerId() {
    return workerId;
  }

  @Override
  public synchronized void postJob(J job) {
    PostedJob entry = entry(job).build();
    checkRoom(1);
    posted.add(entry);
  }

  @Override
  public synchronized void postJobs(List<J> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    checkOpen();
    List<PostedJob> entries = new ArrayList<>(jobs.size());
    for (J job : jobs) {
      entries.add(entry(job).build());
    }
    checkRoom(entries.size());
    posted.addAll(entries);
  }

  @Override
  public synchronized void postJobAfter(Duration delay, J job) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    long millis;
    try {
      millis = delay.toMillis();
    } catch (ArithmeticException e) {
      millis = Long.MAX_VALUE; // further than time can be counted: never due
    }
    PostedJob entry = entry(job).setDelayMillis(millis).build();
    checkRoom(1);
    posted.add(entry);
  }

  @Override
  public synchronized void postJobAt(Instant at, J job) {
    Objects.requireNonNull(at, "at");
    long epochMillis;
    try {
      epochMillis = at.toEpochMilli();
    } catch (ArithmeticException e) {
      epochMillis = at.isAfter(Instant.EPOCH) ? Long.MAX_VALUE : Long.MIN_VALUE; // saturated
    }
    PostedJob entry = entry(job).setAtEpochMillis(epochMillis).build();
    checkRoom(1);
    posted.add(entry);
  }

  /** Starts collecting posts for a job about to be handled. */
  synchronized void open() {
    posted = new ArrayList<>();
  }

  /** Stops collecting posts and returns those made since {@link #open}, in order. */
  synchronized List<PostedJob> close() {
    List<PostedJob> jobs = posted == null ? List.of() : posted;
    posted = null;
    return jobs;
  }

  private void checkRoom(int more) {
    if (posted.size() + more > MAX_POSTS_PER_JOB) {
      throw new IllegalStateException(
          "a job may post at most "
              + MAX_POSTS_PER_JOB
              + " jobs; post a follow-up job that posts the rest");
    }
  }

  private void checkOpen() {
    if (posted == null) {
      throw new IllegalStateException(
          "jobs may be posted only while JobHandler.handle runs,"
              + " not in setup or after it returned");
    }
  }

  /** Checks that a job is being handled and serialises {@code job} for posting. */
  private PostedJob.Builder entry(J job) {
    Objects.requireNonNull(job, "job");
    checkOpen();
    String payload;
    try {
      payload = codec.encode(job);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialise the posted job: " + e.getMessage(), e);
    }
    return PostedJob.newBuilder().setPayload(payload);
  }
}
