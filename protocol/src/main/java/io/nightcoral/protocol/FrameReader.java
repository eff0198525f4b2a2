package io.nightcoral.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads frames from one stream, checking the magic and the length before it reads a body; not
 * thread-safe, so each stream has exactly one reader.
 */
public final class FrameReader {

  private static final int SAMPLE_BYTES = 64;

  private final InputStream in;
  private final byte[] header = new byte[Frames.HEADER_BYTES];

  /** Creates a reader on {@code in}. */
  public FrameReader(InputStream in) {
    this.in = in;
  }

  /**
   * Returns the next frame's body, blocking until it is complete, or null when the stream ends
   * cleanly before the frame's first byte.
   *
   * @throws MalformedFrameException on a wrong magic, a negative or oversized length, or an end of
   *     stream inside the frame
   */
  public byte[] readBody() throws IOException {
    int read = in.readNBytes(header, 0, Frames.HEADER_BYTES);
    if (read == 0) {
      return null;
    }
    if (read < Frames.HEADER_BYTES) {
      throw new MalformedFrameException(
          "end of stream inside a frame header, after "
              + read
              + " of "
              + Frames.HEADER_BYTES
              + " bytes",
          Frames.describe(header, read));
    }
    int magic = intAt(0);
    if (magic != Frames.MAGIC) {
      throw badHeader(
          String.format("not a frame: wrong magic 0x%08X, expected 0x%08X", magic, Frames.MAGIC));
    }
    int length = intAt(4);
    if (length < 0 || length > Frames.MAX_BODY_BYTES) {
      throw badHeader(
          "a frame body length of " + length + " bytes is outside 0.." + Frames.MAX_BODY_BYTES);
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new MalformedFrameException(
          "end of stream inside a frame body, after " + body.length + " of " + length + " bytes",
          sample(body));
    }
    return body;
  }

  /**
   * Reads the next frame and parses its body with {@code parser}, or returns null when the stream
   * ends cleanly before the frame's first byte.
   *
   * @throws MalformedFrameException on any problem {@link #readBody} reports, or a body that does
   *     not parse
   */
  public <T> T read(Parser<T> parser) throws IOException {
    byte[] body = readBody();
    if (body == null) {
      return null;
    }
    try {
      return parser.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedFrameException(
          "a frame body of " + body.length + " bytes does not parse: " + e.getMessage(),
          sample(body),
          e);
    }
  }

  private int intAt(int offset) {
    return (header[offset] & 0xFF) << 24
        | (header[offset + 1] & 0xFF) << 16
        | (header[offset + 2] & 0xFF) << 8
        | (header[offset + 3] & 0xFF);
  }

  /** Builds the exception for a bad header, adding what is already available after it. */
  private MalformedFrameException badHeader(String problem) {
    byte[] seen = Arrays.copyOf(header, SAMPLE_BYTES);
    int length = Frames.HEADER_BYTES;
    try {
      int more = Math.min(in.available(), SAMPLE_BYTES - length);
      if (more > 0) {
        length += Math.max(0, in.read(seen, length, more));
      }
    } catch (IOException e) {
      // The header alone describes the problem.
    }
    return new MalformedFrameException(problem, Frames.describe(seen, length));
  }

  /** Describes the header followed by the start of {@code body}. */
  private String sample(byte[] body) {
    byte[] seen = Arrays.copyOf(header, SAMPLE_BYTES);
    int fromBody = Math.min(body.length, SAMPLE_BYTES - Frames.HEADER_BYTES);
    System.arraycopy(body, 0, seen, Frames.HEADER_BYTES, fromBody);
    return Frames.describe(seen, Frames.HEADER_BYTES + fromBody);
  }
}
