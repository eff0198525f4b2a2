package io.nightcoral.internal.pool;

/**
 * Why an attempt failed: the handler's exception as the child saw it, or (with an empty class name)
 * how the worker died.
 */
public record Failure(String className, String message, String stack) {
  /** A failure that is not an exception of the handler's, such as a worker's death. */
  public static Failure of(String message) {
    return new Failure("", message, "");
  }

  /** The failure of a Java exception raised in this process. */
  public static Failure of(Throwable t) {
    java.io.StringWriter text = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(text));
    return new Failure(t.getClass().getName(), String.valueOf(t.getMessage()), text.toString());
  }

  /** One readable text, as kept with a job: class and message, then the stack. */
  public String describe() {
    String head = className.isEmpty() ? message : className + ": " + message;
    return stack.isEmpty() ? head : head + "\n" + stack;
  }
}
