package io.nightcoral.worker;

import io.nightcoral.protocol.Failure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/** Turns a Java exception into the Failure message that carries it to the coordinator. */
final class Failures {

  /** Longest message or stack text sent; more is cut, so a failure always fits in a frame. */
  static final int MAX_TEXT_CHARS = 1 << 20;

  private Failures() {}

  /** Describes {@code thrown} with its class name, message and stack trace. */
  static Failure of(Throwable thrown) {
    String message;
    try {
      message = Objects.toString(thrown.getMessage(), "");
    } catch (RuntimeException e) {
      message = "(getMessage() threw " + e.getClass().getName() + ")";
    }
    return of(thrown, message);
  }

  /** Describes {@code thrown} with its class name and stack trace, and {@code message}. */
  static Failure of(Throwable thrown, String message) {
    return Failure.newBuilder()
        .setClassName(thrown.getClass().getName())
        .setMessage(cut(message))
        .setStack(cut(stackOf(thrown)))
        .build();
  }

  private static String stackOf(Throwable thrown) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      thrown.printStackTrace(out);
    } catch (RuntimeException e) {
      text.append("(printStackTrace() threw ").append(e.getClass().getName()).append(')');
    }
    return text.toString();
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS) + "...";
  }
}
