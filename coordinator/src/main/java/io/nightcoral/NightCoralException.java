package io.nightcoral;

/**
 * An unchecked failure of NightCoral itself: a launch that failed, a database that another process
 * holds or that cannot be used, an instance that is closed.
 */
public class NightCoralException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public NightCoralException(String message) {
    super(message);
  }

  /** Creates an exception with a message and its cause. */
  public NightCoralException(String message, Throwable cause) {
    super(message, cause);
  }
}
