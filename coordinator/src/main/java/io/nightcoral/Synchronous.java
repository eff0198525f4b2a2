package io.nightcoral;

/** How durable each commit is: SQLite's {@code synchronous} setting. */
public enum Synchronous {
  /**
   * What a caller is answered about (an add, a delete, {@code idle()}) survives a power cut; the
   * record of jobs that started and finished is synced within 10 ms, so a power cut may run those
   * of its last 10 ms again (the default).
   */
  FULL,
  /** A commit survives a crash of the process, but the last ones may be lost in a power cut. */
  NORMAL
}
