package io.nightcoral.protocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FramesTest {

  @Test
  void describesPrintableAsciiAsQuotedText() {
    byte[] bytes = "say \"hi\"\t\\\r\n".getBytes(US_ASCII);
    assertEquals("\"say \\\"hi\\\"\\t\\\\\\r\\n\"", Frames.describe(bytes, bytes.length));
  }

  @Test
  void describesOnlyTheGivenLength() {
    assertEquals("\"hel\"", Frames.describe("hello".getBytes(US_ASCII), 3));
  }

  @Test
  void describesAnythingElseAsHex() {
    byte[] bytes = {0x4E, 0x43, (byte) 0xF0, 0x01, 'a'};
    assertEquals("hex 4e 43 f0 01 61", Frames.describe(bytes, bytes.length));
  }

  @Test
  void describesALeadingLineOfTextAsTextAndTheRestAsHex() {
    byte[] bytes = {'o', 'o', 'p', 's', '\n', 0x4E, 0x43, (byte) 0xF0, 0x01};
    assertEquals("\"oops\\n\" + hex 4e 43 f0 01", Frames.describe(bytes, bytes.length));
  }

  @Test
  void describesAShortTextRunBeforeBinaryAsHex() {
    byte[] bytes = {'N', 'C', (byte) 0xF0, 0x01};
    assertEquals("hex 4e 43 f0 01", Frames.describe(bytes, bytes.length));
  }

  @Test
  void describesNothingAsNoBytes() {
    assertEquals("(no bytes)", Frames.describe(new byte[4], 0));
  }

  @Test
  void rejectsALengthBeyondTheArray() {
    assertThrows(IndexOutOfBoundsException.class, () -> Frames.describe(new byte[2], 3));
  }
}
