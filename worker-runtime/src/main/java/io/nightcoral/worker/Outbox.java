package io.nightcoral.worker;

import io.nightcoral.protocol.FrameWriter;
import io.nightcoral.protocol.FromWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The only way to the child's stdout, one frame at a time under one lock: any thread may queue
 * frames, which the writer thread writes in order, flushing whenever its queue runs empty; the
 * handler thread writes a job's answer itself with {@link #sendNow}, so the answer is in the pipe
 * before the next job starts.
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

  /**
   * Writes {@code frames} and flushes them from the calling thread, after whatever the writer
   * thread is writing; returns once they are in the pipe.
   */
  void sendNow(List<FromWorker> frames) {
    try {
      synchronized (writer) {
        for (FromWorker frame : frames) {
          writer.write(frame);
        }
        writer.flush();
      }
    } catch (IOException e) {
      throw Halt.now(Halt.FAILED, "cannot write to the coordinator: " + e);
    }
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
      for (; ; ) {
        Entry entry = queue.take();
        synchronized (writer) {
          do {
            write(entry);
          } while ((entry = queue.poll()) != null);
          writer.flush();
        }
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
