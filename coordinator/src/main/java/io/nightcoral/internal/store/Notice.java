package io.nightcoral.internal.store;

/**
 * News from another coordinator sharing the store: a job fell due or was added ({@link Kind#DUE}),
 * a timer or retry is due at {@code at} ({@link Kind#TIMER}), the schedules changed ({@link
 * Kind#SCHEDULE}), or replies wait for this coordinator ({@link Kind#REPLY}).
 */
public record Notice(Kind kind, long at) {
  /** What changed. */
  public enum Kind {
    DUE,
    TIMER,
    SCHEDULE,
    REPLY
  }
}
