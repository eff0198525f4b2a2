package io.nightcoral.internal.pool;

/**
 * One worker as the queue sees it: it holds the jobs handed to it and runs them one at a time, in
 * order. Its methods never block; outcomes come back through the {@link PoolListener}.
 */
public interface Worker {
  /** A number unique among the pool's live workers. */
  int id();

  /** The worker's process id (for an inline worker, this process's). */
  long pid();

  /** When the worker was started, in epoch milliseconds. */
  long startedAt();

  /** For {@link #run}: the job may start as soon as its turn comes. */
  long NOW = Long.MIN_VALUE;

  /**
   * Hands the worker a job, as attempt number {@code attempt}, to run after those it holds and no
   * sooner than the {@link System#nanoTime} instant {@code notBefore} (or {@link #NOW}); the jobs
   * handed to it later wait behind it.
   */
  void run(long jobId, String payload, int attempt, long notBefore);

  /** Asks the worker to give back job {@code jobId} if it has not started it. */
  void cancel(long jobId);
}
