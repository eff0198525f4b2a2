package io.nightcoral.worker;

import java.util.stream.Stream;

/**
 * Ends the worker child at once with {@code Runtime.halt}, which no hook or thread can delay, after
 * killing the processes it started.
 */
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
    killDescendants();
    Runtime.getRuntime().halt(status);
    return new AssertionError("Runtime.halt returned");
  }

  /**
   * Kills every process this child started, and theirs, so that none outlives it (nor holds its
   * pipes to the coordinator open); never throws. Also run by a shutdown hook, for a handler's
   * {@code System.exit}.
   */
  static void killDescendants() {
    try (Stream<ProcessHandle> all = ProcessHandle.current().descendants()) {
      all.forEach(ProcessHandle::destroyForcibly);
    } catch (Throwable t) {
      try {
        System.err.println("nightcoral worker: cannot kill the processes it started: " + t);
      } catch (Throwable ignored) {
        // stderr is gone too; ending the child matters more
      }
    }
  }
}
