package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.protocol.Cancel;
import io.nightcoral.protocol.FrameReader;
import io.nightcoral.protocol.FrameWriter;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Ping;
import io.nightcoral.protocol.Reply;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.Setup;
import io.nightcoral.protocol.Shutdown;
import io.nightcoral.protocol.ToWorker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real worker child JVM, driven over its pipes as the coordinator drives it. */
final class Child {

  /** The bound on every wait for the child. */
  static final long WAIT_SECONDS = 10;

  /** What the child's stdout gave: a frame, an error, or (both null) its end. */
  private record Received(FromWorker frame, Throwable error) {}

  private final Process process;
  private final OutputStream stdin;
  private final FrameWriter writer;
  private final Path stderr;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

  private Child(Process process, Path stderr) {
    this.process = process;
    this.stdin = new BufferedOutputStream(process.getOutputStream());
    this.writer = new FrameWriter(stdin);
    this.stderr = stderr;
    Thread reader = new Thread(this::readStdout, "child-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a child with the coordinator's JVM flags; its stderr goes to a file in {@code dir}. */
  static Child start(Path dir) throws IOException {
    Path stderr = dir.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:disable",
                "-Xlog:all=warning:stderr",
                "-XX:+DisplayVMOutputToStderr",
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName())
            .redirectError(stderr.toFile())
            .start();
    return new Child(process, stderr);
  }

  static ToWorker setup(int protocolVersion, Class<?> handler, String configJson) {
    return setup(protocolVersion, handler.getName(), configJson);
  }

  static ToWorker setup(int protocolVersion, String handlerClass, String configJson) {
    return setup(protocolVersion, handlerClass, configJson, "");
  }

  static ToWorker setup(
      int protocolVersion, String handlerClass, String configJson, String startRecord) {
    return ToWorker.newBuilder()
        .setSetup(
            Setup.newBuilder()
                .setProtocolVersion(protocolVersion)
                .setWorkerId(3)
                .setHandlerClass(handlerClass)
                .setConfigJson(configJson)
                .setStartRecord(startRecord))
        .build();
  }

  static ToWorker job(long id, String payload) {
    return ToWorker.newBuilder()
        .setJob(RunJob.newBuilder().setId(id).setPayload(payload).setAttempt(1))
        .build();
  }

  static ToWorker cancel(long id) {
    return ToWorker.newBuilder().setCancel(Cancel.newBuilder().setId(id)).build();
  }

  static ToWorker ping(long id) {
    return ToWorker.newBuilder().setPing(Ping.newBuilder().setId(id)).build();
  }

  static ToWorker shutdown() {
    return ToWorker.newBuilder().setShutdown(Shutdown.getDefaultInstance()).build();
  }

  long pid() {
    return process.pid();
  }

  void send(ToWorker message) throws IOException {
    writer.write(message);
    writer.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    stdin.write(bytes);
    stdin.flush();
  }

  void closeStdin() throws IOException {
    stdin.close();
  }

  /** Returns the next frame from the child's stdout, failing if none comes in time. */
  FromWorker next() throws Exception {
    Received next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(next, "no frame within " + WAIT_SECONDS + " s; stderr: " + stderr());
    if (next.error() != null) {
      throw new AssertionError("stdout held a bad frame; stderr: " + stderr(), next.error());
    }
    assertNotNull(next.frame(), "stdout ended; stderr: " + stderr());
    return next.frame();
  }

  /** Returns the next frame that is not a job's Started frame. */
  FromWorker nextAfterStarted() throws Exception {
    FromWorker frame = next();
    while (frame.hasStarted()) {
      frame = next();
    }
    return frame;
  }

  /**
   * Returns the next Reply, with its handler time cleared so tests can compare it; checks that the
   * job's Started frame came first and skips the job's Post.
   */
  Reply reply() throws Exception {
    FromWorker frame = next();
    assertTrue(frame.hasStarted(), "expected Started, got " + frame);
    long id = frame.getStarted().getId();
    frame = next();
    if (frame.hasPost()) {
      frame = next();
    }
    assertTrue(frame.hasReply(), "expected the Reply of job " + id + ", got " + frame);
    assertEquals(id, frame.getReply().getId());
    return frame.getReply().toBuilder().clearHandlerNanos().build();
  }

  /** Returns the next frame as a Reply, its handler time cleared, for a job already started. */
  Reply replyOfStarted() throws Exception {
    FromWorker frame = next();
    assertTrue(frame.hasReply(), "expected a Reply, got " + frame);
    return frame.getReply().toBuilder().clearHandlerNanos().build();
  }

  /** Asserts that the child exits in time with {@code status} and wrote nothing more to stdout. */
  void assertExits(int status) throws Exception {
    assertTrue(
        process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS),
        "the child did not exit; stderr: " + stderr());
    assertEquals(status, process.exitValue(), "exit status; stderr: " + stderr());
    Received last = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(last, "stdout did not end");
    assertNull(last.frame(), "an extra frame after the last expected one");
    assertNull(last.error(), "stdout ended with a bad frame");
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** Kills the child if it still runs, and waits (bounded) for it to go. */
  void destroy() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private void readStdout() {
    FrameReader reader = new FrameReader(new BufferedInputStream(process.getInputStream()));
    try {
      for (FromWorker frame; (frame = reader.read(FromWorker.parser())) != null; ) {
        received.add(new Received(frame, null));
      }
      received.add(new Received(null, null));
    } catch (IOException e) {
      received.add(new Received(null, e));
    }
  }
}
