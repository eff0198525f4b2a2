package io.nightcoral.internal;

import io.nightcoral.protocol.Frames;

/** The size rule for a job's stored text: it must fit, with room to spare, in one frame. */
public final class JobText {
  /** Room in a job's frame for everything but its text: the ids and the message around it. */
  static final int FRAME_OVERHEAD_BYTES = 1024;

  /** The most UTF-8 bytes of job text that fit in one frame to a worker. */
  public static final int MAX_BYTES = Frames.MAX_BODY_BYTES - FRAME_OVERHEAD_BYTES;

  private JobText() {}

  /** The UTF-8 size of {@code text} if it is over {@link #MAX_BYTES}, else 0 (it fits). */
  public static long excess(String text) {
    if ((long) text.length() * 3 <= MAX_BYTES) {
      return 0; // no character takes more than 3 bytes in UTF-8 (a surrogate pair: 4 for 2)
    }
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes > MAX_BYTES ? bytes : 0;
  }

  /** Why {@code text} is too large, or null if it fits. */
  public static String tooLarge(String text) {
    long bytes = excess(text);
    return bytes == 0
        ? null
        : "the job is "
            + bytes
            + " bytes of UTF-8 text, but a job sent to a worker may be at most "
            + MAX_BYTES
            + " (a frame to a worker holds at most "
            + Frames.MAX_BODY_BYTES
            + " bytes)";
  }
}
