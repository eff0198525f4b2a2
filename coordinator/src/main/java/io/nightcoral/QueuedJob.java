package io.nightcoral;

/** A handle on a stored job or timer. Thread-safe. */
public interface QueuedJob {
  /** The job's id; ids are never reused. */
  long id();

  /**
   * Removes the job (or cancels the timer) if no worker has started it yet.
   *
   * @return true if this call removed it; false if it is running, finished or already removed
   */
  boolean delete();

  /**
   * Whether this add stored the job; false when a job with the same key was already unfinished and
   * this handle is that job's.
   */
  default boolean created() {
    return true;
  }
}
