package io.nightcoral;

/** Where a stored, unfinished job is. */
public enum JobState {
  /** Due, waiting for a worker (or sent ahead to one that has not started it). */
  QUEUED,
  /** A worker's handler is running it. */
  RUNNING,
  /** Waiting for its time: a timer. */
  TIMER,
  /** Waiting out the backoff after a failed attempt. */
  RETRYING
}
