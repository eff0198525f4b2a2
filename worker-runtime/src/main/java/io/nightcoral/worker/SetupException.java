package io.nightcoral.worker;

/** Why a worker child could not start: its message names the handler class and the problem. */
final class SetupException extends Exception {

  private static final long serialVersionUID = 1L;

  SetupException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Returns the exception that best explains the failure: the cause if any, else this one. */
  Throwable culprit() {
    return getCause() != null ? getCause() : this;
  }
}
