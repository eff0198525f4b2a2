package io.nightcoral.protocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
  private final FrameWriter writer = new FrameWriter(stream);

  @Test
  void roundTripsBothMessageTypesInOrder() throws IOException {
    ToWorker setup =
        ToWorker.newBuilder()
            .setSetup(
                Setup.newBuilder()
                    .setProtocolVersion(Frames.PROTOCOL_VERSION)
                    .setWorkerId(3)
                    .setConfigJson("{\"a\":1}")
                    .setHandlerClass("com.example.Handler"))
            .build();
    ToWorker job =
        ToWorker.newBuilder().setJob(RunJob.newBuilder().setId(42).setPayload("{\"n\":7}")).build();
    FromWorker reply =
        FromWorker.newBuilder().setReply(Reply.newBuilder().setId(42).setPayload("49")).build();
    FromWorker post =
        FromWorker.newBuilder()
            .setPost(
                Post.newBuilder()
                    .setJobId(42)
                    .addJobs(PostedJob.newBuilder().setPayload("x").setDelayMillis(5)))
            .build();
    writer.write(setup);
    writer.write(job);
    writer.flush();
    FrameReader toWorker = readerOf(stream.toByteArray());
    assertEquals(setup, toWorker.read(ToWorker.parser()));
    assertEquals(job, toWorker.read(ToWorker.parser()));
    assertNull(toWorker.read(ToWorker.parser()));

    stream.reset();
    writer.write(reply);
    writer.write(post);
    FrameReader fromWorker = readerOf(stream.toByteArray());
    assertEquals(reply, fromWorker.read(FromWorker.parser()));
    assertEquals(post, fromWorker.read(FromWorker.parser()));
    assertNull(fromWorker.read(FromWorker.parser()));
  }

  @Test
  void writesTheMagicAndTheBigEndianLengthFirst() throws IOException {
    Pong pong = Pong.newBuilder().setId(300).build();
    writer.write(pong);
    ByteBuffer frame = ByteBuffer.wrap(stream.toByteArray());
    assertEquals(Frames.MAGIC, frame.getInt());
    assertEquals(pong.getSerializedSize(), frame.getInt());
    assertEquals(Frames.HEADER_BYTES + pong.getSerializedSize(), frame.capacity());
  }

  @Test
  void returnsNullOnAnEmptyStream() throws IOException {
    assertNull(readerOf(new byte[0]).readBody());
  }

  @Test
  void readsAZeroLengthBodyAsAMessageWithNoBodySet() throws IOException {
    byte[] frame = header(Frames.MAGIC, 0);
    assertArrayEquals(new byte[0], readerOf(frame).readBody());
    assertEquals(
        FromWorker.BodyCase.BODY_NOT_SET, readerOf(frame).read(FromWorker.parser()).getBodyCase());
  }

  @Test
  void reportsTextWrittenWhereAFrameBelongs() {
    MalformedFrameException e =
        assertThrows(
            MalformedFrameException.class,
            () -> readerOf("hello world\n".getBytes(US_ASCII)).readBody());
    assertEquals("\"hello world\\n\"", e.firstBytes());
    assertTrue(e.getMessage().contains("wrong magic 0x68656C6C"), e.getMessage());
    assertTrue(e.getMessage().contains("\"hello world\\n\""), e.getMessage());
  }

  @Test
  void reportsAtMost64BytesOfWhatFollowsAWrongMagic() {
    byte[] text = new byte[200];
    Arrays.fill(text, (byte) 'x');
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> readerOf(text).readBody());
    assertEquals('"' + "x".repeat(64) + '"', e.firstBytes());
  }

  @Test
  void rejectsANegativeLength() {
    MalformedFrameException e =
        assertThrows(
            MalformedFrameException.class, () -> readerOf(header(Frames.MAGIC, -1)).readBody());
    assertTrue(e.getMessage().contains("length of -1"), e.getMessage());
    assertEquals("hex 4e 43 f0 01 ff ff ff ff", e.firstBytes());
  }

  @Test
  void rejectsALengthAboveTheLimitWithoutWaitingForTheBody() {
    MalformedFrameException e =
        assertThrows(
            MalformedFrameException.class,
            () -> readerOf(header(Frames.MAGIC, Frames.MAX_BODY_BYTES + 1)).readBody());
    assertTrue(e.getMessage().contains("length of " + (Frames.MAX_BODY_BYTES + 1)), e.getMessage());
  }

  @Test
  void acceptsABodyOfExactlyTheLimit() throws IOException {
    byte[] body = new byte[Frames.MAX_BODY_BYTES];
    byte[] frame = Arrays.copyOf(header(Frames.MAGIC, body.length), 8 + body.length);
    assertEquals(body.length, readerOf(frame).readBody().length);
  }

  @Test
  void reportsAnEndOfStreamInsideTheHeader() {
    byte[] partial = Arrays.copyOf(header(Frames.MAGIC, 5), 5);
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> readerOf(partial).readBody());
    assertTrue(e.getMessage().contains("inside a frame header, after 5 of 8"), e.getMessage());
    assertEquals("hex 4e 43 f0 01 00", e.firstBytes());
  }

  @Test
  void reportsAnEndOfStreamInsideTheBody() throws IOException {
    writer.write(RunJob.newBuilder().setId(1).setPayload("abcdefgh").build());
    byte[] whole = stream.toByteArray();
    MalformedFrameException e =
        assertThrows(
            MalformedFrameException.class,
            () -> readerOf(Arrays.copyOf(whole, whole.length - 3)).readBody());
    int length = whole.length - Frames.HEADER_BYTES;
    assertTrue(e.getMessage().contains("after " + (length - 3) + " of " + length), e.getMessage());
    assertTrue(e.firstBytes().startsWith("hex 4e 43 f0 01"), e.firstBytes());
  }

  @Test
  void reportsABodyThatDoesNotParse() {
    byte[] frame = Arrays.copyOf(header(Frames.MAGIC, 2), 10);
    frame[8] = (byte) 0xFF;
    frame[9] = (byte) 0xFF;
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> readerOf(frame).read(ToWorker.parser()));
    assertTrue(e.getMessage().contains("does not parse"), e.getMessage());
    assertEquals("hex 4e 43 f0 01 00 00 00 02 ff ff", e.firstBytes());
  }

  @Test
  void refusesToWriteABodyAboveTheLimit() {
    ToWorker huge =
        ToWorker.newBuilder()
            .setJob(RunJob.newBuilder().setPayload("x".repeat(Frames.MAX_BODY_BYTES)))
            .build();
    IOException e = assertThrows(IOException.class, () -> writer.write(huge));
    assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    assertEquals(0, stream.size());
  }

  private static FrameReader readerOf(byte[] bytes) {
    return new FrameReader(new ByteArrayInputStream(bytes));
  }

  private static byte[] header(int magic, int length) {
    return ByteBuffer.allocate(Frames.HEADER_BYTES).putInt(magic).putInt(length).array();
  }
}
