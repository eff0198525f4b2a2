package io.nightcoral.protocol;

import java.util.Objects;

/**
 * The constants of the frame format shared by the coordinator and its worker children: each frame
 * is {@link #MAGIC}, the body length (both big-endian ints), then the protobuf body.
 */
public final class Frames {

  /** The protocol version both sides announce in Setup, Ready and SetupFailed. */
  public static final int PROTOCOL_VERSION = 3;

  /** The first four bytes of every frame, big-endian. */
  public static final int MAGIC = 0x4E43F001;

  /** The size of a frame header: the magic, then the body length. */
  public static final int HEADER_BYTES = 8;

  /** The largest body a frame may carry. */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** Shortest leading text shown as text before hex; the magic itself starts with "NC". */
  private static final int MIN_TEXT_RUN = 4;

  private Frames() {}

  /**
   * Returns the first {@code length} bytes of {@code bytes} for an error message: printable ASCII
   * as quoted text (tab, CR and LF escaped), anything else as hex, and a text line followed by
   * binary as both, such as {@code "ready\n" + hex 4e 43 f0 01}.
   */
  public static String describe(byte[] bytes, int length) {
    Objects.checkFromIndexSize(0, length, bytes.length);
    if (length == 0) {
      return "(no bytes)";
    }
    int text = 0;
    while (text < length && isText(bytes[text])) {
      text++;
    }
    if (text == length) {
      return quoted(bytes, length);
    }
    int lineEnd = text;
    while (lineEnd > 0 && bytes[lineEnd - 1] != '\n') {
      lineEnd--;
    }
    text = lineEnd > 0 ? lineEnd : text; // printable bytes after a line's end may start a frame
    if (text < MIN_TEXT_RUN) {
      return hex(bytes, 0, length);
    }
    return quoted(bytes, text) + " + " + hex(bytes, text, length);
  }

  private static boolean isText(byte b) {
    return (b >= 0x20 && b < 0x7F) || b == '\t' || b == '\n' || b == '\r';
  }

  private static String quoted(byte[] bytes, int length) {
    StringBuilder text = new StringBuilder(length + 8).append('"');
    for (int i = 0; i < length; i++) {
      switch (bytes[i]) {
        case '\t' -> text.append("\\t");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '"' -> text.append("\\\"");
        case '\\' -> text.append("\\\\");
        default -> text.append((char) bytes[i]);
      }
    }
    return text.append('"').toString();
  }

  private static String hex(byte[] bytes, int from, int to) {
    StringBuilder text = new StringBuilder(4 + 3 * (to - from)).append("hex");
    for (int i = from; i < to; i++) {
      text.append(' ')
          .append(Character.forDigit((bytes[i] >> 4) & 0xF, 16))
          .append(Character.forDigit(bytes[i] & 0xF, 16));
    }
    return text.toString();
  }
}
