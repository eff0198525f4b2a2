package io.nightcoral.worker;

import io.nightcoral.protocol.Cancelled;
import io.nightcoral.protocol.FrameReader;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Pong;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.ToWorker;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The only reader of the child's stdin: one thread reads every frame, answers pings and cancels at
 * once, keeps the other messages in arrival order for the handler loop, and halts the child when
 * the coordinator goes away. A job sent with a delay (a timer sent ahead of its due instant) is
 * handed out no sooner than that delay after it arrived, and stays cancellable until then.
 */
final class Inbox {

  /** A message and the {@link System#nanoTime} from which the handler loop may take it. */
  private record Waiting(ToWorker message, long notBefore) {}

  // A lock rather than the monitor: Condition.awaitNanos waits to the nanosecond, where
  // Object.wait rounds up to whole milliseconds.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** How long before a delayed job's start the handler loop stops waiting and spins. */
  static final long SPIN_NANOS = 300_000;

  /** How long a job may have been in transit for its sending time to be trusted. */
  static final long TRUSTED_TRANSIT_NANOS = 1_000_000_000L;

  /** The longest delay taken as sent; a job is never held longer than this (an hour). */
  static final long MAX_DELAY_MICROS = 3_600_000_000L;

  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by lock
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

  /** Returns the next Setup, RunJob or Shutdown message, waiting for one to arrive and be due. */
  ToWorker take() {
    lock.lock();
    try {
      while (true) {
        Waiting first = waiting.peekFirst();
        long left = first == null ? 0 : first.notBefore() - System.nanoTime();
        try {
          if (first == null) {
            changed.await();
          } else if (left <= 0) {
            return waiting.removeFirst().message();
          } else if (left > SPIN_NANOS) {
            changed.awaitNanos(left - SPIN_NANOS);
          } else {
            spinUntil(first.notBefore());
          }
        } catch (InterruptedException e) {
          // Only stray user threads could interrupt the handler loop, which stops only by halting.
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits out the last moments before a delayed job's start on the CPU, without the lock: a thread
   * woken from a timed wait runs some tenths of a millisecond late.
   */
  private void spinUntil(long instant) {
    lock.unlock();
    try {
      while (System.nanoTime() - instant < 0) {
        Thread.onSpinWait();
      }
    } finally {
      lock.lock();
    }
  }

  /** Returns the next message if one has arrived and is due, or null. */
  ToWorker poll() {
    lock.lock();
    try {
      Waiting first = waiting.peekFirst();
      if (first == null || first.notBefore() - System.nanoTime() > 0) {
        return null;
      }
      return waiting.removeFirst().message();
    } finally {
      lock.unlock();
    }
  }

  private void add(ToWorker message) {
    long notBefore = System.nanoTime();
    if (message.hasJob() && message.getJob().getDelayMicros() > 0) {
      notBefore = notBefore(message.getJob(), notBefore);
    }
    lock.lock();
    try {
      waiting.addLast(new Waiting(message, notBefore));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * When a delayed job may start: its delay counted from when the coordinator sent it, so that the
   * time it spent in the pipe does not make it late. That needs the coordinator's {@link
   * System#nanoTime} reading to be on this process's scale, as it is where both read the machine's
   * monotonic clock (HotSpot on Linux, macOS and Windows); a reading that does not fit (sent in the
   * future, or more than {@link #TRUSTED_TRANSIT_NANOS} ago) counts from the arrival {@code now}.
   */
  static long notBefore(RunJob job, long now) {
    long delay = Math.min(job.getDelayMicros(), MAX_DELAY_MICROS) * 1_000;
    long inTransit = now - job.getSentNanos();
    boolean fits = inTransit >= 0 && inTransit <= TRUSTED_TRANSIT_NANOS;
    return fits ? job.getSentNanos() + delay : now + delay;
  }

  /** Removes job {@code id} if it waits here; false if it was taken (it started) or never came. */
  private boolean cancel(long id) {
    lock.lock();
    try {
      for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
        ToWorker message = it.next().message();
        if (message.hasJob() && message.getJob().getId() == id) {
          it.remove();
          changed.signalAll(); // a job behind a delayed one may be due now
          return true;
        }
      }
      return false;
    } finally {
      lock.unlock();
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
          case CANCEL -> {
            long id = message.getCancel().getId();
            outbox.send(
                FromWorker.newBuilder()
                    .setCancelled(Cancelled.newBuilder().setId(id).setCancelled(cancel(id)))
                    .build());
          }
          case BODY_NOT_SET ->
              throw Halt.now(Halt.FAILED, "the coordinator sent a frame with no message in it");
          default -> add(message);
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
