package io.nightcoral;

import io.nightcoral.internal.pool.Worker;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs each worker holds, oldest first: the first is running, the others wait in the worker so
 * it never waits for the coordinator between jobs. How many a worker may hold adapts to how long
 * jobs take: about {@link #QUEUED_WORK_NANOS} of work, between 1 and {@code maxDepth}; long jobs
 * are therefore sent one at a time, and nothing waits long behind them. Confined to the queue's
 * thread.
 */
final class WorkerLoads {
  /** How much work a worker may hold beyond the job it runs, judged from recent jobs. */
  static final long QUEUED_WORK_NANOS = 2_000_000;

  /** One worker's jobs, and when it last answered. */
  private static final class Load {
    final ArrayDeque<Running> held = new ArrayDeque<>();
    long lastAnswerNanos;
  }

  private final int maxDepth;
  private final Map<Worker, Load> loads = new LinkedHashMap<>();
  private int idle;
  private long serviceNanos; // moving average of one job's time in a worker; 0 until measured

  WorkerLoads(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** A worker is ready for jobs. */
  void add(Worker worker) {
    if (loads.putIfAbsent(worker, new Load()) == null) {
      idle++;
    }
  }

  /** A worker is gone; returns the jobs it held, the running one first. */
  List<Running> remove(Worker worker) {
    Load load = loads.remove(worker);
    if (load == null) {
      return List.of();
    }
    if (load.held.isEmpty()) {
      idle--;
    }
    return List.copyOf(load.held);
  }

  /** How many jobs a worker may hold now. */
  int depth() {
    if (serviceNanos == 0) {
      return maxDepth;
    }
    return (int) Math.max(1, Math.min(maxDepth, QUEUED_WORK_NANOS / serviceNanos));
  }

  /** The least loaded worker that can take another job, or null. */
  Worker pick() {
    Worker best = null;
    int bestLoad = depth();
    for (Map.Entry<Worker, Load> e : loads.entrySet()) {
      int load = e.getValue().held.size();
      if (load < bestLoad) {
        best = e.getKey();
        bestLoad = load;
        if (load == 0) {
          break;
        }
      }
    }
    return best;
  }

  void assign(Running job) {
    ArrayDeque<Running> held = loads.get(job.worker()).held;
    if (held.isEmpty()) {
      idle--;
    }
    held.addLast(job);
  }

  /** Takes back a job that was never sent (its transaction rolled back). */
  void unassign(Running job) {
    Load load = loads.get(job.worker());
    if (load != null && load.held.remove(job) && load.held.isEmpty()) {
      idle++;
    }
  }

  /**
   * The worker answered for {@code jobId}; returns that job, or null if the worker did not hold it.
   */
  Running finish(Worker worker, long jobId) {
    Load load = loads.get(worker);
    if (load == null) {
      return null;
    }
    for (Iterator<Running> it = load.held.iterator(); it.hasNext(); ) {
      Running r = it.next();
      if (r.id() == jobId) {
        it.remove();
        if (load.held.isEmpty()) {
          idle++;
        }
        measure(load, r);
        return r;
      }
    }
    return null;
  }

  /** A job's own time: from when it could start (sent, or the previous answer) to its answer. */
  private void measure(Load load, Running r) {
    long now = System.nanoTime();
    long service = Math.max(1, now - Math.max(load.lastAnswerNanos, r.startNanos()));
    load.lastAnswerNanos = now;
    serviceNanos =
        serviceNanos == 0 ? service : serviceNanos - (serviceNanos >> 3) + (service >> 3);
  }

  int idleCount() {
    return idle;
  }
}
