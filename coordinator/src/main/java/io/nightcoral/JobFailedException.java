package io.nightcoral;

/**
 * A query's job failed for good: its last attempt threw (the child's exception class, message and
 * stack are carried over) or its worker died.
 */
public final class JobFailedException extends NightCoralException {
  private static final long serialVersionUID = 1L;

  private final long jobId;
  private final String errorClass;
  private final String errorMessage;
  private final String childStack;

  /**
   * Creates the exception for job {@code jobId}; {@code errorClass} is empty when the worker died.
   */
  JobFailedException(long jobId, String errorClass, String errorMessage, String childStack) {
    super(
        "job "
            + jobId
            + " failed: "
            + (errorClass.isEmpty() ? "" : errorClass + ": ")
            + errorMessage);
    this.jobId = jobId;
    this.errorClass = errorClass;
    this.errorMessage = errorMessage;
    this.childStack = childStack;
  }

  /** The failed job's id. */
  public long jobId() {
    return jobId;
  }

  /** The class name of the handler's exception, or empty if the worker died instead. */
  public String errorClass() {
    return errorClass;
  }

  /** The handler's exception message, or how the worker died. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The handler's stack trace as printed in the child, or empty. */
  public String childStack() {
    return childStack;
  }
}
