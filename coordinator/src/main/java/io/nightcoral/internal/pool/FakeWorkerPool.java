package io.nightcoral.internal.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Workers that run each job inline on a thread of this process, through a callback. */
public final class FakeWorkerPool implements WorkerPool {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  /** The callback: the job's stored text in, the reply's text (or null) out. */
  @FunctionalInterface
  public interface Handler {
    /** Runs one job. */
    String handle(String payload) throws Exception;
  }

  private final Handler handler;
  private final PoolListener listener;
  private final String name;
  private final List<FakeWorker> workers = new ArrayList<>();

  /** Creates a pool that will run jobs through {@code handler}. */
  public FakeWorkerPool(Handler handler, PoolListener listener, String name) {
    this.handler = handler;
    this.listener = listener;
    this.name = name;
  }

  @Override
  public synchronized void start(int count) {
    for (int i = 0; i < count; i++) {
      FakeWorker worker = new FakeWorker(workers.size() + 1);
      workers.add(worker);
      worker.thread.start();
      listener.workerReady(worker);
    }
  }

  @Override
  public synchronized int size() {
    return workers.size();
  }

  @Override
  public void shutdown(Duration grace) {
    List<FakeWorker> all;
    synchronized (this) {
      all = new ArrayList<>(workers);
      workers.clear();
    }
    for (FakeWorker w : all) {
      w.stopping = true;
      w.thread.interrupt();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (FakeWorker w : all) {
      try {
        TimeUnit.NANOSECONDS.timedJoin(w.thread, Math.max(1, deadline - System.nanoTime()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (w.thread.isAlive()) {
        log.warn(
            "{}: fake worker {} did not stop within {}; abandoning its thread", name, w.id, grace);
      }
    }
  }

  private record Task(long jobId, String payload, long notBefore) {
    /** Nanoseconds until it may start; 0 or less: now. */
    long left() {
      return notBefore == Worker.NOW ? 0 : notBefore - System.nanoTime();
    }
  }

  private final class FakeWorker implements Worker {
    private final int id;
    private final ArrayDeque<Task> tasks = new ArrayDeque<>(); // guarded by this
    private final Thread thread;
    private volatile boolean stopping;
    private final long startedAt = System.currentTimeMillis();

    FakeWorker(int id) {
      this.id = id;
      this.thread = new Thread(this::loop, "nightcoral-fake-worker-" + id);
      thread.setDaemon(true);
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public long pid() {
      return ProcessHandle.current().pid();
    }

    @Override
    public long startedAt() {
      return startedAt;
    }

    @Override
    public void run(long jobId, String payload, int attempt, long notBefore) {
      synchronized (this) {
        tasks.addLast(new Task(jobId, payload, notBefore));
        notifyAll();
      }
    }

    @Override
    public void cancel(long jobId) {
      boolean cancelled;
      synchronized (this) {
        cancelled = tasks.removeIf(t -> t.jobId() == jobId);
        notifyAll();
      }
      listener.jobCancelled(this, jobId, cancelled);
    }

    /** The next task once it may start. */
    private synchronized Task next() throws InterruptedException {
      while (true) {
        Task first = tasks.peekFirst();
        if (first == null) {
          wait();
        } else if (first.left() > 0) {
          TimeUnit.NANOSECONDS.timedWait(this, first.left()); // late by under 1 ms: a fake
        } else {
          return tasks.removeFirst();
        }
      }
    }

    private void loop() {
      while (!stopping) {
        Task task;
        try {
          task = next();
        } catch (InterruptedException e) {
          continue; // stopping, or a handler's stray interrupt
        }
        listener.jobStarted(this, task.jobId());
        long started = System.nanoTime();
        try {
          String reply = handler.handle(task.payload());
          listener.jobFinished(this, task.jobId(), reply, List.of(), System.nanoTime() - started);
        } catch (InterruptedException e) {
          if (stopping) {
            return; // shut down mid-job: the job stays stored and runs at the next start
          }
          listener.jobFailed(this, task.jobId(), Failure.of(e), System.nanoTime() - started);
        } catch (Throwable t) {
          listener.jobFailed(this, task.jobId(), Failure.of(t), System.nanoTime() - started);
        }
        if (!stopping) {
          Thread.interrupted(); // a handler's leftover interrupt must not reach the next job
        }
      }
    }
  }
}
