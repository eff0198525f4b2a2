package io.nightcoral.worker;

import static io.nightcoral.worker.Child.job;
import static io.nightcoral.worker.Child.ping;
import static io.nightcoral.worker.Child.setup;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.protocol.Failure;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.FromWorker.BodyCase;
import io.nightcoral.protocol.PostedJob;
import io.nightcoral.protocol.Ready;
import io.nightcoral.protocol.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    for (int i = 0; i < 2; i++) {
      FromWorker answer = child.next();
      answers.put(answer.getBodyCase(), answer);
    }
    assertEquals(2, answers.get(BodyCase.PONG).getPong().getId());
    assertEquals(reply(1, "hello"), answers.get(BodyCase.REPLY).getReply());

    child.closeStdin();
    child.assertExits(0);
  }

  @Test
  void keepsStdoutForFramesWhenAHandlerPrints() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "print:printed to System.out"));
    assertEquals(reply(1, "printed"), child.next().getReply());
    child.send(job(2, "echo:still framed"));
    assertEquals(reply(2, "still framed"), child.next().getReply());

    child.closeStdin();
    child.assertExits(0);
    assertTrue(child.stderr().contains("printed to System.out"), child.stderr());
  }

  @Test
  void sendsPostedJobsBeforeTheReply() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(4, "post"));
    FromWorker post = child.next();
    assertEquals(BodyCase.POST, post.getBodyCase());
    assertEquals(4, post.getPost().getJobId());
    assertEquals(
        List.of(
            PostedJob.newBuilder().setPayload("a").build(),
            PostedJob.newBuilder().setPayload("b").build(),
            PostedJob.newBuilder().setPayload("c").setDelayMillis(5000).build()),
        post.getPost().getJobsList());
    assertEquals(reply(4, "posted"), child.next().getReply());
  }

  @Test
  void answersPingsWhileAHandlerIsBusy() throws Exception {
    start(TestHandlers.Commands.class);
    try (ServerSocket server = listen()) {
      child.send(job(1, "block:" + server.getLocalPort()));
      try (Socket handler = server.accept()) {
        child.send(ping(9));
        assertEquals(9, child.next().getPong().getId());
        handler.getOutputStream().write(7);
        assertEquals(reply(1, "released by 7"), child.next().getReply());
      }
    }
  }

  @Test
  void repliesWithFailuresAndKeepsRunning() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "fail:boom"));
    Reply failed = child.next().getReply();
    assertEquals(1, failed.getId());
    assertFalse(failed.hasPayload());
    assertEquals(IllegalStateException.class.getName(), failed.getFailure().getClassName());
    assertEquals("boom", failed.getFailure().getMessage());
    assertTrue(failed.getFailure().getStack().contains("TestHandlers$Commands.handle"));

    child.send(job(2, "nothing"));
    assertEquals(Reply.newBuilder().setId(2).build(), child.next().getReply());
    child.send(job(3, "whoami"));
    assertEquals(reply(3, "{\"region\":\"north\"} on worker 3"), child.next().getReply());
  }

  @Test
  void mapsJsonJobsWithJackson() throws Exception {
    start(TestHandlers.Squares.class);
    child.send(job(1, "{\"kind\":\"square\",\"n\":7}"));
    assertEquals(reply(1, "{\"kind\":\"squared\",\"n\":49}"), child.next().getReply());
    child.send(job(2, "[1,2]"));
    assertTrue(child.next().getReply().hasFailure());
  }

  @Test
  void finishesTheCurrentJobOnShutdown() throws Exception {
    start(TestHandlers.Commands.class);
    try (ServerSocket server = listen()) {
      child.send(job(1, "block:" + server.getLocalPort()));
      try (Socket handler = server.accept()) {
        child.send(Child.shutdown());
        handler.getOutputStream().write(1);
        assertEquals(reply(1, "released by 1"), child.next().getReply());
      }
    }
    child.assertExits(0);
  }

  @Test
  void sendsTheFailureThenHaltsOnAVirtualMachineError() throws Exception {
    start(TestHandlers.Commands.class);
    child.send(job(1, "oom:simulated"));
    Failure failure = child.next().getReply().getFailure();
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
    assertEquals(Frames.PROTOCOL_VERSION, answer.getSetupFailed().getProtocolVersion());
    String message = answer.getSetupFailed().getFailure().getMessage();
    assertTrue(message.contains("version " + theirs), message);
    assertTrue(message.contains("version " + Frames.PROTOCOL_VERSION), message);
    child.assertExits(1);
  }

  private void start(Class<?> handler) throws Exception {
    child = Child.start(dir);
    child.send(setup(Frames.PROTOCOL_VERSION, handler, "{\"region\":\"north\"}"));
    assertEquals(
        Ready.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setPid(child.pid()).build(),
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
