package io.nightcoral.worker;

import io.nightcoral.protocol.FrameReader;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Pong;
import io.nightcoral.protocol.ToWorker;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The only reader of the child's stdin: one thread reads every frame, answers pings at once, queues
 * the other messages for the handler loop, and halts the child when the coordinator goes away.
 */
final class Inbox {

  private final BlockingQueue<ToWorker> queue = new LinkedBlockingQueue<>();
  private final FrameReader reader;
  private final Outbox outbox;

  private Inbox(FrameReader reader, Outbox outbox) {
    this.reader = reader;
    this.outbox = outbox;
  }

  /** Starts the reader thread on {@code reader}, which it owns from now on. */
  static Inbox start(FrameReader reader, Outbox outbox) {
    Inbox inbox = new Inbox(reader, outbox);
    Thread thread = new Thread(inbox::run, "nightcoral-worker-reader");
    thread.setDaemon(true);
    thread.start();
    return inbox;
  }

  /** Returns the next Setup, RunJob or Shutdown message, waiting for one to arrive. */
  ToWorker take() {
    for (; ; ) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Only stray user threads could interrupt the handler loop, which stops only by halting.
      }
    }
  }

  private void run() {
    try {
      for (ToWorker message; (message = reader.read(ToWorker.parser())) != null; ) {
        switch (message.getBodyCase()) {
          case PING ->
              outbox.send(
                  FromWorker.newBuilder()
                      .setPong(Pong.newBuilder().setId(message.getPing().getId()))
                      .build());
          case BODY_NOT_SET ->
              throw Halt.now(Halt.FAILED, "the coordinator sent a frame with no message in it");
          default -> queue.add(message);
        }
      }
      throw Halt.now(Halt.ORDERLY, null);
    } catch (IOException e) {
      throw Halt.now(Halt.FAILED, "cannot read from the coordinator: " + e.getMessage());
    } catch (Throwable thrown) {
      thrown.printStackTrace();
      throw Halt.now(Halt.BROKEN, "the reader thread failed: " + thrown);
    }
  }
}
