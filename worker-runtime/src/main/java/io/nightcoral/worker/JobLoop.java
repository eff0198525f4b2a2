package io.nightcoral.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Ready;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.Setup;
import io.nightcoral.protocol.SetupFailed;
import io.nightcoral.protocol.ToWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The handler loop of a child: the Setup handshake, then one job at a time in arrival order until a
 * Shutdown message; it ends only by halting the process.
 */
final class JobLoop {

  /** How long the child waits for its last frames to reach the pipe before it halts anyway. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final Inbox inbox;
  private final Outbox outbox;
  private final HandlerLoader loader = new HandlerLoader(new ObjectMapper());

  JobLoop(Inbox inbox, Outbox outbox) {
    this.inbox = inbox;
    this.outbox = outbox;
  }

  /** Runs the handshake and then the jobs; never returns. */
  void run() {
    try {
      HandlerInvoker<?, ?> invoker = handshake(inbox.take());
      for (; ; ) {
        ToWorker message = inbox.take();
        switch (message.getBodyCase()) {
          case JOB -> runJob(invoker, message.getJob());
          case SHUTDOWN -> throw stop(Halt.ORDERLY, null);
          default ->
              throw stop(
                  Halt.FAILED,
                  "unexpected " + message.getBodyCase() + " message from the coordinator");
        }
      }
    } catch (Throwable thrown) {
      thrown.printStackTrace();
      throw stop(Halt.BROKEN, "the handler loop failed: " + thrown);
    }
  }

  private HandlerInvoker<?, ?> handshake(ToWorker first) {
    try {
      HandlerInvoker<?, ?> invoker = loader.load(checkSetup(first));
      outbox.send(
          FromWorker.newBuilder()
              .setReady(
                  Ready.newBuilder()
                      .setProtocolVersion(Frames.PROTOCOL_VERSION)
                      .setPid(ProcessHandle.current().pid()))
              .build());
      return invoker;
    } catch (SetupException e) {
      outbox.send(
          FromWorker.newBuilder()
              .setSetupFailed(
                  SetupFailed.newBuilder()
                      .setProtocolVersion(Frames.PROTOCOL_VERSION)
                      .setFailure(Failures.of(e.culprit(), e.getMessage())))
              .build());
      throw stop(Halt.FAILED, e.getMessage());
    }
  }

  private static Setup checkSetup(ToWorker first) throws SetupException {
    if (!first.hasSetup()) {
      throw new SetupException(
          "the first message from the coordinator must be SETUP, not " + first.getBodyCase(), null);
    }
    Setup setup = first.getSetup();
    if (setup.getProtocolVersion() != Frames.PROTOCOL_VERSION) {
      throw new SetupException(
          "protocol version mismatch: the coordinator speaks version "
              + setup.getProtocolVersion()
              + ", this worker runtime speaks version "
              + Frames.PROTOCOL_VERSION
              + " (handler class "
              + setup.getHandlerClass()
              + ")",
          null);
    }
    return setup;
  }

  private void runJob(HandlerInvoker<?, ?> invoker, RunJob job) {
    // The answer is written from this thread, so it is in the pipe before the next job starts: if
    // that job kills the process, the coordinator still learns that this one finished, and charges
    // the death to the right job.
    List<FromWorker> answer = new ArrayList<>(2);
    try {
      invoker.run(job, answer::add);
    } catch (VirtualMachineError e) {
      outbox.sendNow(answer);
      throw stop(Halt.FAILED, "job " + job.getId() + " failed with " + e);
    }
    outbox.sendNow(answer);
    Thread.interrupted(); // a handler's leftover interrupt must not reach the next job
  }

  /** Flushes what is queued (bounded by {@link #DRAIN_TIMEOUT}), then halts with {@code status}. */
  private Error stop(int status, String reason) {
    outbox.drain(DRAIN_TIMEOUT);
    return Halt.now(status, reason);
  }
}
