package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.FromWorker.BodyCase;
import io.nightcoral.protocol.Reply;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.worker.TestHandlers.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandlerInvokerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<FromWorker> sent = new ArrayList<>();

  @Test
  void repliesWithTheEncodedResult() {
    run(
        Job.class,
        (job, state, portal) -> new Job("squared", job.n() * job.n()),
        "{\"kind\":\"square\",\"n\":7}");
    assertEquals(List.of(BodyCase.REPLY), bodies());
    Reply reply = sent.get(0).getReply();
    assertEquals(1, reply.getId());
    assertEquals("{\"kind\":\"squared\",\"n\":49}", reply.getPayload());
  }

  @Test
  void omitsThePayloadWhenTheHandlerReturnsNull() {
    run(String.class, (job, state, portal) -> null, "x");
    assertFalse(sent.get(0).getReply().hasPayload());
    assertFalse(sent.get(0).getReply().hasFailure());
  }

  @Test
  void repliesWithTheFailureWhenTheHandlerThrows() {
    run(
        String.class,
        (job, state, portal) -> {
          throw new IllegalStateException("broken " + job);
        },
        "x");
    Reply reply = sent.get(0).getReply();
    assertFalse(reply.hasPayload());
    assertEquals(IllegalStateException.class.getName(), reply.getFailure().getClassName());
    assertEquals("broken x", reply.getFailure().getMessage());
    assertTrue(reply.getFailure().getStack().contains("HandlerInvokerTest"));
  }

  @Test
  void repliesWithTheFailureWhenThePayloadDoesNotDecode() {
    run(Job.class, (job, state, portal) -> job, "{not json");
    assertTrue(
        sent.get(0).getReply().getFailure().getClassName().contains("jackson"),
        sent.get(0).toString());
  }

  @Test
  void sendsPostedJobsBeforeTheReplyEvenWhenTheHandlerThrows() {
    run(
        String.class,
        (job, state, portal) -> {
          portal.postJob("a");
          portal.postJob("b");
          throw new IllegalStateException("after posting");
        },
        "x");
    assertEquals(List.of(BodyCase.POST, BodyCase.REPLY), bodies());
    assertEquals(1, sent.get(0).getPost().getJobId());
    assertEquals(2, sent.get(0).getPost().getJobsCount());
    assertTrue(sent.get(1).getReply().hasFailure());
  }

  @Test
  void closesThePortalWhenTheHandlerReturns() {
    AtomicReference<WorkerPortal<String>> kept = new AtomicReference<>();
    run(
        String.class,
        (job, state, portal) -> {
          kept.set(portal);
          return job;
        },
        "x");
    assertThrows(IllegalStateException.class, () -> kept.get().postJob("late"));
  }

  @Test
  void repliesWithAFailureInsteadOfAnOversizedFrame() {
    run(String.class, (job, state, portal) -> "x".repeat(Frames.MAX_BODY_BYTES), "x");
    Reply reply = sent.get(0).getReply();
    assertFalse(reply.hasPayload());
    assertTrue(reply.getFailure().getMessage().contains("over the limit"), reply.toString());
  }

  @Test
  void sendsTheFailureAndThenRethrowsAVirtualMachineError() {
    assertThrows(
        OutOfMemoryError.class,
        () ->
            run(
                String.class,
                (job, state, portal) -> {
                  throw new OutOfMemoryError("simulated");
                },
                "x"));
    assertEquals(
        OutOfMemoryError.class.getName(), sent.get(0).getReply().getFailure().getClassName());
  }

  private <J> void run(Class<J> jobType, JobHandler<J, Void> handler, String payload) {
    JobCodec<J> codec = new JobCodec<>(MAPPER, MAPPER.constructType(jobType));
    new HandlerInvoker<>(handler, null, codec, new Portal<>(1, codec))
        .run(RunJob.newBuilder().setId(1).setPayload(payload).build(), sent::add);
  }

  private List<BodyCase> bodies() {
    return sent.stream().map(FromWorker::getBodyCase).toList();
  }
}
