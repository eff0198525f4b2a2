package io.nightcoral.internal;

/**
 * A failure inside the engine (the store or the pool), with a message meant for the user; the API
 * turns it into a {@code EngineException} with the same message.
 */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public EngineException(String message) {
    super(message);
  }

  /** Creates an exception with a message and its cause. */
  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
