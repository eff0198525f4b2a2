package io.nightcoral;

import java.time.Instant;

/**
 * One worker as seen now, for inspection.
 *
 * @param id the worker's slot: 1 to the pool's size plus its warm spares (a spare that takes a dead
 *     worker's place keeps its own slot)
 * @param pid its process id (for an inline fake worker, this process's)
 * @param state what it does
 * @param jobId the job its handler runs, or 0
 * @param runningSince when that job started, or null
 * @param jobsDone jobs it finished or failed since it started
 * @param startedAt when it was started
 */
public record WorkerInfo(
    int id,
    long pid,
    State state,
    long jobId,
    Instant runningSince,
    long jobsDone,
    Instant startedAt) {
  /** What a worker does. */
  public enum State {
    /** Started, its setup not yet done. */
    STARTING,
    /** Ready, and running no handler. */
    IDLE,
    /** Running a job's handler. */
    BUSY
  }
}
