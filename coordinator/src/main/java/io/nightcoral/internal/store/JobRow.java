package io.nightcoral.internal.store;

/**
 * A row of the jobs table: the job's id, its stored text, when it is due, when it was stored, its
 * started attempts, and its priority.
 */
public record JobRow(
    long id, String payload, long dueAt, long createdAt, int attempts, int priority) {
  /**
   * Whether the job waited for a time of its own (a timer, or a retry) rather than running at once.
   */
  public boolean wasTimer() {
    return dueAt > createdAt;
  }
}
