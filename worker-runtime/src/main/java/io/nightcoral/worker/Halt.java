package io.nightcoral.worker;

/** Ends the worker child at once with {@code Runtime.halt}, which no hook or thread can delay. */
final class Halt {

  /** Exit status after a Shutdown message or the end of stdin. */
  static final int ORDERLY = 0;

  /** Exit status after a failed setup, a VM error in a handler, or a broken pipe or bad frame. */
  static final int FAILED = 1;

  /** Exit status when a runtime thread failed unexpectedly. */
  static final int BROKEN = 2;

  private Halt() {}

  /**
   * Prints {@code reason} (if any) to stderr and halts with {@code status}; never returns, and is
   * declared to return an error only so that callers can write {@code throw Halt.now(...)}.
   */
  static Error now(int status, String reason) {
    if (reason != null) {
      System.err.println("nightcoral worker: " + reason);
      System.err.flush();
    }
    Runtime.getRuntime().halt(status);
    return new AssertionError("Runtime.halt returned");
  }
}
