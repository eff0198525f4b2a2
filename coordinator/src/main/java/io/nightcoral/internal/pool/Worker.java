package io.nightcoral.internal.pool;

/** One worker as the queue sees it: it runs one job at a time. */
public interface Worker {
  /** A number unique among the pool's workers for its lifetime. */
  int id();

  /**
   * Hands the worker a job; never blocks. The outcome comes back through the {@link PoolListener}.
   */
  void run(long jobId, String payload);
}
