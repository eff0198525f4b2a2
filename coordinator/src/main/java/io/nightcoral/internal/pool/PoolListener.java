package io.nightcoral.internal.pool;

import io.nightcoral.internal.NewJob;
import java.util.List;

/**
 * What the pool tells the queue; called from the pool's threads, so implementations must only
 * enqueue. For every job handed to a worker exactly one of these follows, unless the worker dies
 * first: {@link #jobCancelled} with {@code true}, {@link #jobRejected}, or {@link #jobStarted} and
 * then {@link #jobFinished} or {@link #jobFailed}.
 */
public interface PoolListener {
  /** The worker is ready for jobs. */
  void workerReady(Worker worker);

  /** The worker's handler starts job {@code jobId} now. */
  void jobStarted(Worker worker, long jobId);

  /**
   * The handler finished the job; {@code reply} may be null; {@code posts} are the jobs it posted
   * (after the local handler), to store with the job's retirement.
   */
  void jobFinished(Worker worker, long jobId, String reply, List<NewJob> posts, long handlerNanos);

  /** The job's handler threw; the attempt failed, and the worker goes on with its next job. */
  void jobFailed(Worker worker, long jobId, Failure failure, long handlerNanos);

  /**
   * The worker could not take job {@code jobId} at all (its text is too large to send): it never
   * started, and no attempt can ever run it.
   */
  void jobRejected(Worker worker, long jobId, String why);

  /** The answer to {@link Worker#cancel}: true if the job was given back and never ran there. */
  void jobCancelled(Worker worker, long jobId, boolean cancelled);

  /**
   * The worker is gone (its process has exited): the job it had started failed, the others it held
   * never ran; {@code killed} says whether NightCoral killed it.
   */
  void workerDied(Worker worker, String reason, boolean killed);

  /** Too many workers died too fast and the pool stopped for good; {@code why} says so. */
  void poolStopped(String why);
}
