package io.nightcoral;

import java.util.OptionalLong;

/**
 * Something went wrong in the worker pool: a child died or was killed, a job was set aside as dead,
 * or the pool shut itself down.
 *
 * @param kind what happened
 * @param workerId the worker concerned, or -1
 * @param jobId the job it was running (or the dead job), if any
 * @param reason a readable reason: exit code, signal, ping timeout, job timeout, malformed frame,
 *     error
 */
public record WorkerPoolError(Kind kind, int workerId, OptionalLong jobId, String reason) {
  /** What happened. */
  public enum Kind {
    /** A worker exited or crashed on its own. */
    WORKER_DIED,
    /** NightCoral killed a worker (ping timeout, job timeout, malformed output). */
    WORKER_KILLED,
    /** A job failed its last attempt and was set aside. */
    JOB_DEAD,
    /** Too many workers died too fast; the pool stopped. */
    POOL_STOPPED
  }
}
