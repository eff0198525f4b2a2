package io.nightcoral.internal.pool;

import io.nightcoral.internal.store.NewJob;
import java.util.List;

/**
 * What the pool tells the queue; called from the pool's threads, so implementations must only
 * enqueue.
 */
public interface PoolListener {
  /** The worker is ready for a job (after start, or after finishing one). */
  void workerReady(Worker worker);

  /**
   * The worker finished a job; {@code reply} may be null; {@code posts} are the jobs its handler
   * posted.
   */
  void jobFinished(Worker worker, long jobId, String reply, List<NewJob> posts);

  /** The job's handler threw; the worker is ready for the next job. */
  void jobFailed(Worker worker, long jobId, Failure failure);

  /** The worker is gone (its process has exited); whatever it was running failed. */
  void workerDied(Worker worker, String reason, boolean killed);

  /** Too many workers died too fast and the pool stopped for good; {@code why} says so. */
  void poolStopped(String why);
}
