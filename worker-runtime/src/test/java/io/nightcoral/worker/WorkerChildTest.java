package io.nightcoral.worker;

import static io.nightcoral.worker.Child.job;
import static io.nightcoral.worker.Child.ping;
import static io.nightcoral.worker.Child.setup;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.protocol.Cancelled;
import io.nightcoral.protocol.Failure;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.FromWorker.BodyCase;
import io.nightcoral.protocol.PostedJob;
import io.nightcoral.protocol.Ready;
import io.nightcoral.protocol.Reply;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.ToWorker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives real worker child JVMs over their pipes. */
class WorkerChildTest {

  @TempDir Path dir;

  private Child child;

  @AfterEach
  void stopChild() throws InterruptedException {
    if (child != null) {
      child.destroy();
    }
  }

  @Test
  void runsAJobAnswersAPingAndExitsWhenStdinCloses() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "echo:hello"));
    child.send(ping(2));
    Map<BodyCase, FromWorker> answers = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      FromWorker answer = child.next();
      answers.put(answer.getBodyCase(), answer);
    }
    assertEquals(2, answers.get(BodyCase.PONG).getPong().getId());
    assertEquals(1, answers.get(BodyCase.STARTED).getStarted().getId());
    assertEquals(
        reply(1, "hello"),
        answers.get(BodyCase.REPLY).getReply().toBuilder().clearHandlerNanos().build());

    child.closeStdin();
    child.assertExits(0);
  }

  @Test
  void keepsStdoutForFramesWhenAHandlerPrints() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "print:printed to System.out"));
    assertEquals(reply(1, "printed"), child.reply());
    child.send(job(2, "echo:still framed"));
    assertEquals(reply(2, "still framed"), child.reply());

    child.closeStdin();
    child.assertExits(0);
    assertTrue(child.stderr().contains("printed to System.out"), child.stderr());
  }

  @Test
  void sendsPostedJobsBeforeTheReply() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(4, "post"));
    assertEquals(4, child.next().getStarted().getId());
    FromWorker post = child.next();
    assertEquals(BodyCase.POST, post.getBodyCase());
    assertEquals(4, post.getPost().getJobId());
    assertEquals(
        List.of(
            PostedJob.newBuilder().setPayload("a").build(),
            PostedJob.newBuilder().setPayload("b").build(),
            PostedJob.newBuilder().setPayload("c").setDelayMillis(5000).build()),
        post.getPost().getJobsList());
    assertEquals(reply(4, "posted"), child.replyOfStarted());
  }

  @Test
  void answersPingsWhileAHandlerIsBusy() throws Exception {
    start(TestHandlers.Commands.class);
    try (ServerSocket server = listen()) {
      child.send(job(1, "block:" + server.getLocalPort()));
      try (Socket handler = server.accept()) {
        assertEquals(1, child.next().getStarted().getId());
        child.send(ping(9));
        assertEquals(9, child.next().getPong().getId());
        handler.getOutputStream().write(7);
        Reply reply = child.next().getReply();
        assertTrue(reply.getHandlerNanos() > 0, "the handler's time, measured in the child");
        assertEquals(reply(1, "released by 7"), reply.toBuilder().clearHandlerNanos().build());
      }
    }
  }

  @Test
  void repliesWithFailuresAndKeepsRunning() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "fail:boom"));
    Reply failed = child.reply();
    assertEquals(1, failed.getId());
    assertFalse(failed.hasPayload());
    assertEquals(IllegalStateException.class.getName(), failed.getFailure().getClassName());
    assertEquals("boom", failed.getFailure().getMessage());
    assertTrue(failed.getFailure().getStack().contains("TestHandlers$Commands.handle"));

    child.send(job(2, "nothing"));
    assertEquals(Reply.newBuilder().setId(2).build(), child.reply());
    child.send(job(3, "whoami"));
    assertEquals(reply(3, "{\"region\":\"north\"} on worker 3"), child.reply());
  }

  @Test
  void mapsJsonJobsWithJackson() throws Exception {
    start(TestHandlers.Squares.class);
    child.send(job(1, "{\"kind\":\"square\",\"n\":7}"));
    assertEquals(reply(1, "{\"kind\":\"squared\",\"n\":49}"), child.reply());
    child.send(job(2, "[1,2]"));
    assertTrue(child.reply().hasFailure());
  }

  @Test
  void finishesTheCurrentJobOnShutdown() throws Exception {
    start(TestHandlers.Commands.class);
    try (ServerSocket server = listen()) {
      child.send(job(1, "block:" + server.getLocalPort()));
      try (Socket handler = server.accept()) {
        child.send(Child.shutdown());
        handler.getOutputStream().write(1);
        assertEquals(reply(1, "released by 1"), child.reply());
      }
    }
    child.assertExits(0);
  }

  @Test
  void sendsTheFailureThenHaltsOnAVirtualMachineError() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "oom:simulated"));
    Failure failure = child.reply().getFailure();
    assertEquals(OutOfMemoryError.class.getName(), failure.getClassName());
    child.assertExits(1);
  }

  @Test
  void haltsOnGarbageFromTheCoordinator() throws Exception {
    start(TestHandlers.Commands.class);
    child.sendRaw("hello world\n".getBytes(US_ASCII));
    child.assertExits(1);
    assertTrue(child.stderr().contains("\"hello world\\n\""), child.stderr());
  }

  @Test
  void failsSetupForAnUnknownHandlerClass() throws Exception {
    child = Child.start(dir);
    child.send(setup(Frames.PROTOCOL_VERSION, "com.example.NoSuchHandler", "null"));
    Failure failure = child.next().getSetupFailed().getFailure();
    assertTrue(failure.getMessage().contains("com.example.NoSuchHandler"), failure.toString());
    assertEquals(ClassNotFoundException.class.getName(), failure.getClassName());
    child.assertExits(1);
  }

  @Test
  void failsSetupWhenSetupThrows() throws Exception {
    child = Child.start(dir);
    child.send(setup(Frames.PROTOCOL_VERSION, TestHandlers.FailingSetup.class, "null"));
    Failure failure = child.next().getSetupFailed().getFailure();
    assertTrue(
        failure.getMessage().contains(TestHandlers.FailingSetup.class.getName()),
        failure.toString());
    assertEquals(IllegalStateException.class.getName(), failure.getClassName());
    child.assertExits(1);
  }

  @Test
  void failsSetupOnAProtocolVersionMismatch() throws Exception {
    child = Child.start(dir);
    int theirs = Frames.PROTOCOL_VERSION + 1;
    child.send(setup(theirs, TestHandlers.Commands.class, "null"));
    FromWorker answer = child.next();
    String message = answer.getSetupFailed().getFailure().getMessage();
    assertTrue(message.contains("version " + theirs), message);
    assertTrue(message.contains("version " + Frames.PROTOCOL_VERSION), message);
    child.assertExits(1);
  }

  @Test
  void takesBackAJobThatHasNotStartedAndRefusesOneThatHas() throws Exception {
    start(TestHandlers.Commands.class);
    try (ServerSocket server = listen()) {
      child.send(job(1, "block:" + server.getLocalPort()));
      try (Socket handler = server.accept()) {
        assertEquals(1, child.next().getStarted().getId());
        child.send(job(2, "echo:two"));
        child.send(job(3, "echo:three"));
        child.send(Child.cancel(2));
        assertEquals(cancelled(2, true), child.next().getCancelled());
        child.send(Child.cancel(1));
        assertEquals(cancelled(1, false), child.next().getCancelled());
        handler.getOutputStream().write(5);
        assertEquals(reply(1, "released by 5"), child.replyOfStarted());
        assertEquals(reply(3, "three"), child.reply()); // job 2 never started
      }
    }
    child.send(Child.cancel(3));
    assertEquals(cancelled(3, false), child.next().getCancelled());
  }

  @Test
  void startsADelayedJobNoSoonerThanItsDelayWithTheJobsBehindItWaiting() throws Exception {
    start(TestHandlers.Commands.class);
    long sent = System.nanoTime();
    child.send(delayed(1, "echo:one", 300_000));
    child.send(job(2, "echo:two"));
    assertEquals(1, child.next().getStarted().getId());
    long waited = System.nanoTime() - sent;
    assertTrue(waited >= 300_000_000L, "started after " + waited + " ns");
    assertEquals(reply(1, "one"), child.replyOfStarted());
    assertEquals(reply(2, "two"), child.reply());
  }

  @Test
  void takesBackADelayedJobWhileItWaitsAndRunsTheNextAtOnce() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(delayed(1, "echo:one", 3_600_000_000L)); // an hour
    child.send(job(2, "echo:two"));
    child.send(ping(3));
    assertEquals(3, child.next().getPong().getId()); // it is waiting, not stuck
    child.send(Child.cancel(1));
    // the Cancelled answer and job 2's frames may come in either order
    Map<BodyCase, FromWorker> answers = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      FromWorker answer = child.next();
      answers.put(answer.getBodyCase(), answer);
    }
    assertEquals(cancelled(1, true), answers.get(BodyCase.CANCELLED).getCancelled());
    assertEquals(2, answers.get(BodyCase.STARTED).getStarted().getId());
    assertEquals(
        reply(2, "two"),
        answers.get(BodyCase.REPLY).getReply().toBuilder().clearHandlerNanos().build());
  }

  private static ToWorker delayed(long id, String payload, long delayMicros) {
    return ToWorker.newBuilder()
        .setJob(
            RunJob.newBuilder()
                .setId(id)
                .setPayload(payload)
                .setAttempt(1)
                .setDelayMicros(delayMicros)
                .setSentNanos(System.nanoTime()))
        .build();
  }

  @Test
  void notesTheJobItStartsInTheStartRecordAndClearsItWhenIdle() throws Exception {
    Path record = dir.resolve("start-record");
    Files.write(record, new byte[StartRecord.BYTES]);
    child = Child.start(dir);
    child.send(
        setup(
            Frames.PROTOCOL_VERSION,
            TestHandlers.Commands.class.getName(),
            "null",
            record.toString()));
    assertTrue(child.next().hasReady());
    try (ServerSocket server = listen()) {
      child.send(
          ToWorker.newBuilder()
              .setJob(
                  RunJob.newBuilder()
                      .setId(77)
                      .setAttempt(2)
                      .setPayload("block:" + server.getLocalPort()))
              .build());
      try (Socket handler = server.accept()) {
        assertEquals(77, child.next().getStarted().getId());
        ByteBuffer noted = ByteBuffer.wrap(Files.readAllBytes(record));
        assertEquals(77, noted.getLong(0));
        assertEquals(2, noted.getLong(8));
        assertEquals(77 ^ 2 ^ StartRecord.CHECK, noted.getLong(16));
        handler.getOutputStream().write(1);
        assertEquals(reply(77, "released by 1"), child.replyOfStarted());
      }
    }
    child.send(ping(1)); // the record is cleared before the child waits for its next job
    assertEquals(1, child.next().getPong().getId());
    assertArrayEquals(new byte[StartRecord.BYTES], Files.readAllBytes(record));
  }

  @Test
  void failsSetupWhenTheStartRecordCannotBeOpened() throws Exception {
    child = Child.start(dir);
    child.send(
        setup(
            Frames.PROTOCOL_VERSION,
            TestHandlers.Commands.class.getName(),
            "null",
            dir.resolve("missing/record").toString()));
    Failure failure = child.next().getSetupFailed().getFailure();
    assertTrue(failure.getMessage().contains("start record"), failure.toString());
    child.assertExits(1);
  }

  private static Cancelled cancelled(long id, boolean cancelled) {
    return Cancelled.newBuilder().setId(id).setCancelled(cancelled).build();
  }

  private void start(Class<?> handler) throws Exception {
    child = Child.start(dir);
    child.send(setup(Frames.PROTOCOL_VERSION, handler, "{\"region\":\"north\"}"));
    assertEquals(
        Ready.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).build(),
        child.next().getReady());
  }

  private static Reply reply(long id, String payload) {
    return Reply.newBuilder().setId(id).setPayload(payload).build();
  }

  private static ServerSocket listen() throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setSoTimeout((int) Child.WAIT_SECONDS * 1000);
    return server;
  }
}
