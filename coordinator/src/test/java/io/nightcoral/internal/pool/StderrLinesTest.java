package io.nightcoral.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stderr cut into log lines in bounded memory. */
class StderrLinesTest {

  private static List<String> lines(byte[] bytes) throws IOException {
    List<String> lines = new ArrayList<>();
    StderrLines.drain(new ByteArrayInputStream(bytes), lines::add);
    return lines;
  }

  private static List<String> lines(String text) throws IOException {
    return lines(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code size} bytes of 'e' with no newline, made as they are read, counting what was read. */
  private static final class Flood extends InputStream {
    final long size;
    long read;

    Flood(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (read == size) {
        return -1;
      }
      read++;
      return 'e';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (read == size) {
        return -1;
      }
      int n = (int) Math.min(len, size - read);
      Arrays.fill(b, off, off + n, (byte) 'e');
      read += n;
      return n;
    }
  }

  @Test
  void linesEndAtNewlinesWithoutTheirEndingsAndALastLineWithoutOneCounts() throws IOException {
    assertEquals(List.of("one", "two", "", "three"), lines("one\ntwo\r\n\nthree"));
    assertEquals(List.of("only"), lines("only\n"));
    assertEquals(List.of(), lines(""));
  }

  @Test
  void aLineWithoutNewlinesIsGivenInBoundedPartsAsItIsRead() throws IOException {
    long size = 64L * 1024 * 1024;
    Flood flood = new Flood(size);
    List<Long> readAtFirstLine = new ArrayList<>();
    long[] parts = {0, 0};
    StderrLines.drain(
        flood,
        line -> {
          if (readAtFirstLine.isEmpty()) {
            readAtFirstLine.add(flood.read);
          }
          String text = line;
          if (text.startsWith(StderrLines.CONTINUED_MARK)) {
            text = text.substring(StderrLines.CONTINUED_MARK.length());
          }
          if (text.endsWith(StderrLines.SPLIT_MARK)) {
            text = text.substring(0, text.length() - StderrLines.SPLIT_MARK.length());
          }
          assertTrue(text.length() <= StderrLines.MAX_LINE_BYTES, "a part of " + text.length());
          parts[0]++;
          parts[1] += text.length();
        });
    assertTrue(
        readAtFirstLine.get(0) <= 2 * StderrLines.MAX_LINE_BYTES,
        "the first part came after " + readAtFirstLine.get(0) + " bytes");
    assertEquals(size, parts[1], "every byte was given");
    assertEquals(size / StderrLines.MAX_LINE_BYTES, parts[0]);
  }

  @Test
  void aSplitSaysSoAndNeverCutsACharacter() throws IOException {
    String line = "a" + "\u00e9\u20ac\ud83d\ude00".repeat(2000); // 2, 3 and 4 bytes each
    List<String> parts = lines(line + "\nnext");
    assertEquals("next", parts.get(parts.size() - 1));
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < parts.size() - 1; i++) {
      String part = parts.get(i);
      boolean last = i == parts.size() - 2;
      assertEquals(i > 0, part.startsWith(StderrLines.CONTINUED_MARK), part);
      assertEquals(!last, part.endsWith(StderrLines.SPLIT_MARK), part);
      assertFalse(part.contains("\ufffd"), "a character was cut");
      joined.append(
          part,
          i > 0 ? StderrLines.CONTINUED_MARK.length() : 0,
          last ? part.length() : part.length() - StderrLines.SPLIT_MARK.length());
    }
    assertTrue(parts.size() > 3);
    assertEquals(line, joined.toString());
  }
}
