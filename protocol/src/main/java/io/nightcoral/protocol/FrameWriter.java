package io.nightcoral.protocol;

import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes messages as frames to one stream; not thread-safe, so each stream has exactly one writer.
 */
public final class FrameWriter {

  private final OutputStream out;
  private final byte[] header = new byte[Frames.HEADER_BYTES];

  /** Creates a writer on {@code out}, which the caller should buffer. */
  public FrameWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Writes {@code message} as one frame without flushing, or throws an {@link IOException} before
   * writing anything if its body would exceed {@link Frames#MAX_BODY_BYTES}; after any other {@code
   * IOException} the stream is unusable.
   */
  public void write(MessageLite message) throws IOException {
    int length = message.getSerializedSize();
    if (length > Frames.MAX_BODY_BYTES) {
      throw new IOException(
          "a frame body of "
              + length
              + " bytes exceeds the limit of "
              + Frames.MAX_BODY_BYTES
              + " bytes");
    }
    putInt(0, Frames.MAGIC);
    putInt(4, length);
    out.write(header);
    message.writeTo(out);
  }

  /** Flushes the frames written so far to the underlying stream. */
  public void flush() throws IOException {
    out.flush();
  }

  private void putInt(int offset, int value) {
    header[offset] = (byte) (value >>> 24);
    header[offset + 1] = (byte) (value >>> 16);
    header[offset + 2] = (byte) (value >>> 8);
    header[offset + 3] = (byte) value;
  }
}
