package io.nightcoral;

/**
 * Whether the workers run, as {@link NightCoral#poolStatus()} tells it.
 *
 * @param state the pool's state
 * @param reason why it stopped (for {@link State#STOPPED}), else null
 */
public record PoolStatus(State state, String reason) {
  /** A pool's state. */
  public enum State {
    /** {@code launch} was not called yet. */
    NOT_LAUNCHED,
    /** The workers run (or are being replaced). */
    RUNNING,
    /** Too many workers died too fast and the pool stopped itself; {@code launch} starts anew. */
    STOPPED,
    /** NightCoral was closed. */
    CLOSED
  }
}
