package io.nightcoral.internal.store;

/**
 * A row of the jobs table: the job's id, its stored text, when it is due, when it was stored, its
 * started attempts, its priority, and (on a shared store) the coordinator that awaits its reply if
 * that is another one, else null.
 */
public record JobRow(
    long id,
    String payload,
    long dueAt,
    long createdAt,
    int attempts,
    int priority,
    String replyTo) {
  /** A row whose reply, if any, is for this coordinator. */
  public JobRow(long id, String payload, long dueAt, long createdAt, int attempts, int priority) {
    this(id, payload, dueAt, createdAt, attempts, priority, null);
  }

  /**
   * Whether the job waited for a time of its own (a timer, or a retry) rather than running at once.
   */
  public boolean wasTimer() {
    return dueAt > createdAt;
  }
}
