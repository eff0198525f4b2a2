package io.nightcoral.internal.pool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a child's stderr into lines for the log in bounded memory: it reads fixed-size chunks, and a
 * line longer than {@link #MAX_LINE_BYTES} is split (at a character boundary) into several lines,
 * each part but the last marked with {@link #SPLIT_MARK} and each part but the first with {@link
 * #CONTINUED_MARK}. Not thread-safe: one thread drains one stream.
 */
final class StderrLines {
  /** The most bytes of the child's text in one line given to the sink. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  /** Ends a part of a longer line. */
  static final String SPLIT_MARK = " [line longer than " + MAX_LINE_BYTES + " bytes: split here]";

  /** Starts the part of a line that follows a split. */
  static final String CONTINUED_MARK = "[continued] ";

  private static final int CHUNK_BYTES = 8 * 1024;

  private final byte[] line = new byte[MAX_LINE_BYTES];
  private final Consumer<String> sink;
  private int length;
  private boolean continued;

  private StderrLines(Consumer<String> sink) {
    this.sink = sink;
  }

  /**
   * Reads {@code in} to its end and gives each line (without its line ending) to {@code sink}, on
   * the calling thread; a last line without a newline is given too.
   *
   * @throws IOException if reading fails; the lines before it have been given
   */
  static void drain(InputStream in, Consumer<String> sink) throws IOException {
    StderrLines lines = new StderrLines(sink);
    byte[] chunk = new byte[CHUNK_BYTES];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      for (int i = 0; i < n; i++) {
        lines.add(chunk[i]);
      }
    }
    if (lines.length > 0 || lines.continued) {
      lines.end();
    }
  }

  private void add(byte b) {
    if (b == '\n') {
      end();
      return;
    }
    if (length == MAX_LINE_BYTES) {
      split(b);
    }
    line[length++] = b;
  }

  private void end() {
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    sink.accept(prefix() + new String(line, 0, end, StandardCharsets.UTF_8));
    length = 0;
    continued = false;
  }

  /** Gives the full buffer as one part of a longer line, keeping a character {@code next} ends. */
  private void split(byte next) {
    int cut = length;
    // back up over UTF-8 continuation bytes (10xxxxxx) to the start of the character in progress
    while (cut > length - 3 && isContinuation(cut == length ? next : line[cut])) {
      cut--;
    }
    if (cut == length - 3 && isContinuation(line[cut])) {
      cut = length; // not UTF-8 there: cut anywhere
    }
    sink.accept(prefix() + new String(line, 0, cut, StandardCharsets.UTF_8) + SPLIT_MARK);
    System.arraycopy(line, cut, line, 0, length - cut);
    length -= cut;
    continued = true;
  }

  private String prefix() {
    return continued ? CONTINUED_MARK : "";
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
