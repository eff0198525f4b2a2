package io.nightcoral;

import io.nightcoral.internal.pool.PoolTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool timer whose time moves only when the test moves it, for {@code
 * NightCoralBuilder.poolTimer}. Like the real one it runs its tasks on a thread of its own, one at
 * a time, in the order they fall due: a task due at once runs at once, and {@link #advance} returns
 * once every task due by the new time has run. No task runs before its time.
 */
final class ManualPoolTimer implements PoolTimer {
  private record Task(long due, long order, Runnable run, long period, AtomicBoolean cancelled) {}

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "manual-pool-timer");
            t.setDaemon(true);
            return t;
          });
  private final PriorityQueue<Task> pending =
      new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::order));
  private final List<Duration> delays = new CopyOnWriteArrayList<>();
  private long now; // guarded by this, as are the fields below
  private long order;
  private boolean shutDown;
  private Throwable failure;

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    refuseAfterShutdown();
    delays.add(Duration.ofNanos(delayNanos));
    Task scheduled = add(task, delayNanos, 0);
    if (delayNanos <= 0) {
      thread.execute(this::runDue);
    }
    return () -> scheduled.cancelled().set(true);
  }

  @Override
  public synchronized void scheduleAtFixedRate(Runnable task, long periodNanos) {
    refuseAfterShutdown();
    if (periodNanos <= 0) {
      throw new IllegalArgumentException("period " + periodNanos + " ns");
    }
    add(task, periodNanos, periodNanos);
  }

  @Override
  public synchronized void shutdown() {
    shutDown = true;
    pending.clear();
    thread.shutdown();
  }

  /** Lets {@code time} pass, and returns once every task that fell due has run. */
  void advance(Duration time) throws Exception {
    synchronized (this) {
      now += time.toNanos();
    }
    thread.submit(this::runDue).get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    synchronized (this) {
      if (failure != null) {
        throw new AssertionError("a pool timer task failed", failure);
      }
    }
  }

  /** The delay of every one-off task the pool asked for, in the order it asked. */
  List<Duration> delays() {
    return List.copyOf(delays);
  }

  /** How long until each pending one-off task falls due, soonest first. */
  synchronized List<Duration> dueIn() {
    List<Duration> due = new ArrayList<>();
    pending.stream()
        .filter(t -> t.period() == 0 && !t.cancelled().get())
        .sorted(pending.comparator())
        .forEach(t -> due.add(Duration.ofNanos(t.due() - now)));
    return due;
  }

  private void refuseAfterShutdown() {
    if (shutDown) {
      throw new RejectedExecutionException("the pool timer was shut down");
    }
  }

  private Task add(Runnable run, long delayNanos, long period) {
    Task task = new Task(now + delayNanos, order++, run, period, new AtomicBoolean());
    pending.add(task);
    return task;
  }

  /** Runs the tasks due by now, in the order they fell due. */
  private void runDue() {
    while (true) {
      Task next;
      synchronized (this) {
        next = pending.peek();
        if (next == null || next.due() > now) {
          return;
        }
        pending.poll();
        if (next.period() > 0) {
          pending.add(
              new Task(
                  next.due() + next.period(),
                  order++,
                  next.run(),
                  next.period(),
                  next.cancelled()));
        }
      }
      if (!next.cancelled().get()) {
        try {
          next.run().run();
        } catch (Throwable t) {
          synchronized (this) {
            if (failure == null) {
              failure = t;
            }
          }
        }
      }
    }
  }
}
