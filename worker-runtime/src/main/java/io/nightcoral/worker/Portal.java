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
      throw new IllegalArgumentException("delay too long: " + delay, e);
    }
    PostedJob entry = entry(job).setDelayMillis(millis).build();
    posted.add(entry);
  }

  @Override
  public synchronized void postJobAt(Instant at, J job) {
    Objects.requireNonNull(at, "at");
    long epochMillis;
    try {
      epochMillis = at.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("time out of range: " + at, e);
    }
    PostedJob entry = entry(job).setAtEpochMillis(epochMillis).build();
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
