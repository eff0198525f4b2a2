package io.nightcoral.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Ready;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.Setup;
import io.nightcoral.protocol.SetupFailed;
import io.nightcoral.protocol.Started;
import io.nightcoral.protocol.ToWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The handler loop of a child: the Setup handshake, then one job at a time in arrival order until a
 * Shutdown message; it ends only by halting the process.
 *
 * <p>Before a handler runs, its job is noted in the {@link StartRecord} and a Started frame is in
 * the pipe; a job's answer is in the pipe before the next job starts. So if a job kills the
 * process, the coordinator knows which job it was, and that the ones before it finished.
 */
final class JobLoop {

  /** How long the child waits for its last frames to reach the pipe before it halts anyway. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final Inbox inbox;
  private final Outbox outbox;
  private final HandlerLoader loader = new HandlerLoader(new ObjectMapper());
  private StartRecord record;

  JobLoop(Inbox inbox, Outbox outbox) {
    this.inbox = inbox;
    this.outbox = outbox;
  }

  /** Runs the handshake and then the jobs; never returns. */
  void run() {
    try {
      HandlerInvoker<?, ?> invoker = handshake(inbox.take());
      List<FromWorker> unsent = new ArrayList<>(3); // the last job's answer, sent with what follows
      for (ToWorker message = inbox.take(); ; ) {
        switch (message.getBodyCase()) {
          case JOB -> runJob(invoker, message.getJob(), unsent);
          case SHUTDOWN -> {
            outbox.sendNow(unsent);
            throw stop(Halt.ORDERLY, null);
          }
          default ->
              throw stop(
                  Halt.FAILED,
                  "unexpected " + message.getBodyCase() + " message from the coordinator");
        }
        // A job that is already here goes out with this answer in one write; otherwise the answer
        // goes now, on its own, before this thread waits.
        message = inbox.poll();
        if (message == null) {
          outbox.sendNow(unsent);
          unsent.clear();
          record.clear();
          message = inbox.take();
        }
      }
    } catch (Throwable thrown) {
      thrown.printStackTrace();
      throw stop(Halt.BROKEN, "the handler loop failed: " + thrown);
    }
  }

  private HandlerInvoker<?, ?> handshake(ToWorker first) {
    try {
      Setup setup = checkSetup(first);
      try {
        record = StartRecord.open(setup.getStartRecord());
      } catch (IOException e) {
        throw new SetupException(
            "cannot open the start record " + setup.getStartRecord() + ": " + e, e);
      }
      HandlerInvoker<?, ?> invoker = loader.load(setup);
      outbox.send(
          FromWorker.newBuilder()
              .setReady(Ready.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION))
              .build());
      return invoker;
    } catch (SetupException e) {
      outbox.send(
          FromWorker.newBuilder()
              .setSetupFailed(
                  SetupFailed.newBuilder().setFailure(Failures.of(e.culprit(), e.getMessage())))
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

  /**
   * Runs one job; its answer is left in {@code answer}, to go out with whatever follows it. The
   * payload is decoded before the job is noted as started, so that the handler starts right after.
   */
  private <J> void runJob(HandlerInvoker<J, ?> invoker, RunJob job, List<FromWorker> answer) {
    HandlerInvoker.Decoded<J> decoded = invoker.decode(job);
    record.started(job.getId(), job.getAttempt());
    answer.add(FromWorker.newBuilder().setStarted(Started.newBuilder().setId(job.getId())).build());
    outbox.sendNow(answer); // the previous job's answer, then this one's Started
    answer.clear();
    try {
      invoker.run(job, decoded, answer::add);
    } catch (VirtualMachineError e) {
      outbox.sendNow(answer);
      throw stop(Halt.FAILED, "job " + job.getId() + " failed with " + e);
    }
    Thread.interrupted(); // a handler's leftover interrupt must not reach the next job
  }

  /** Flushes what is queued (bounded by {@link #DRAIN_TIMEOUT}), then halts with {@code status}. */
  private Error stop(int status, String reason) {
    outbox.drain(DRAIN_TIMEOUT);
    return Halt.now(status, reason);
  }
}
