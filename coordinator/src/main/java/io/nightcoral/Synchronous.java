package io.nightcoral;

/** How durable each commit is: SQLite's {@code synchronous} setting. */
public enum Synchronous {
  /** Every commit survives a power cut (the default). */
  FULL,
  /** A commit survives a crash of the process, but the last ones may be lost in a power cut. */
  NORMAL
}
