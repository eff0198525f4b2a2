package io.nightcoral.protocol;

import java.io.IOException;

/**
 * Thrown by {@link FrameReader} when a stream holds something other than a well-formed frame; the
 * stream cannot be resynchronised after it.
 */
public final class MalformedFrameException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String firstBytes;

  MalformedFrameException(String problem, String firstBytes) {
    this(problem, firstBytes, null);
  }

  MalformedFrameException(String problem, String firstBytes, Throwable cause) {
    super(problem + "; first bytes: " + firstBytes, cause);
    this.firstBytes = firstBytes;
  }

  /**
   * Returns what the reader saw, as {@link Frames#describe} renders it: the header bytes plus
   * whatever else was immediately available, at most 64 bytes in all.
   */
  public String firstBytes() {
    return firstBytes;
  }
}
