package io.nightcoral.worker;

import io.nightcoral.protocol.FrameWriter;
import io.nightcoral.protocol.FromWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The only writer of the child's stdout: any thread queues frames, and one thread writes them in
 * order, flushing whenever the queue runs empty.
 */
final class Outbox {

  /** A frame to write, or (when {@code frame} is null) a request to flush and signal. */
  private record Entry(FromWorker frame, CountDownLatch flushed) {}

  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final FrameWriter writer;

  private Outbox(FrameWriter writer) {
    this.writer = writer;
  }

  /** Starts the writer thread on {@code writer}, which it owns from now on. */
  static Outbox start(FrameWriter writer) {
    Outbox outbox = new Outbox(writer);
    Thread thread = new Thread(outbox::run, "nightcoral-worker-writer");
    thread.setDaemon(true);
    thread.start();
    return outbox;
  }

  /** Queues {@code frame} for writing; never blocks. */
  void send(FromWorker frame) {
    queue.add(new Entry(frame, null));
  }

  /**
   * Waits up to {@code timeout} until every frame queued before this call is written and flushed,
   * and returns whether that happened.
   */
  boolean drain(Duration timeout) {
    CountDownLatch flushed = new CountDownLatch(1);
    queue.add(new Entry(null, flushed));
    try {
      return flushed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void run() {
    try {
      for (;;) {
        Entry entry = queue.take();
        do {
          write(entry);
        } while ((entry = queue.poll()) != null);
        writer.flush();
      }
    } catch (IOException e) {
      throw Halt.now(Halt.FAILED, "cannot write to the coordinator: " + e);
    } catch (Throwable thrown) {
      thrown.printStackTrace();
      throw Halt.now(Halt.BROKEN, "the writer thread failed: " + thrown);
    }
  }

  private void write(Entry entry) throws IOException {
    if (entry.frame() != null) {
      writer.write(entry.frame());
    } else {
      writer.flush();
      entry.flushed().countDown();
    }
  }
}
