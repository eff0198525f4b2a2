package io.nightcoral.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A handler's way back to the coordinator: posting new jobs, which are stored together with the
 * completion of the job being handled and dropped if that attempt fails.
 *
 * <p>The post methods may be called from any thread, but only while {@link JobHandler#handle} runs;
 * elsewhere they throw {@link IllegalStateException}. Each job is serialised at once, so a job that
 * cannot be serialised throws {@link IllegalArgumentException} to its poster; a null argument
 * throws {@link NullPointerException}.
 *
 * @param <J> the job type
 */
public interface WorkerPortal<J> {

  /** Returns the id the coordinator gave this worker child. */
  int workerId();

  /** Posts a job to run as soon as a worker is free. */
  void postJob(J job);

  /** Posts several jobs to run as soon as workers are free, all or none. */
  void postJobs(List<J> jobs);

  /** Posts a job to run once {@code delay} (zero or more) has passed. */
  void postJobAfter(Duration delay, J job);

  /** Posts a job to run at {@code at}, or at once if that time has passed. */
  void postJobAt(Instant at, J job);
}
