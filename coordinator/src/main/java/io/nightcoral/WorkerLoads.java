package io.nightcoral;

import io.nightcoral.internal.pool.Worker;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs each worker holds, oldest first: the first is running, the others wait in the worker
 * (up to {@code depth} in all, so a busy worker never waits for its next job). Confined to the
 * queue's thread.
 */
final class WorkerLoads {
  private final int depth;
  private final Map<Worker, ArrayDeque<Running>> loads = new LinkedHashMap<>();
  private int idle;

  WorkerLoads(int depth) {
    this.depth = depth;
  }

  /** A worker is ready for jobs. */
  void add(Worker worker) {
    if (loads.putIfAbsent(worker, new ArrayDeque<>()) == null) {
      idle++;
    }
  }

  /** A worker is gone; returns the jobs it held, the running one first. */
  List<Running> remove(Worker worker) {
    ArrayDeque<Running> held = loads.remove(worker);
    if (held == null) {
      return List.of();
    }
    if (held.isEmpty()) {
      idle--;
    }
    return List.copyOf(held);
  }

  /** The least loaded worker that can take another job, or null. */
  Worker pick() {
    Worker best = null;
    int bestLoad = depth;
    for (Map.Entry<Worker, ArrayDeque<Running>> e : loads.entrySet()) {
      int load = e.getValue().size();
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
    ArrayDeque<Running> held = loads.get(job.worker());
    if (held.isEmpty()) {
      idle--;
    }
    held.addLast(job);
  }

  /** Takes back a job that was never sent (its transaction rolled back). */
  void unassign(Running job) {
    ArrayDeque<Running> held = loads.get(job.worker());
    if (held != null && held.remove(job) && held.isEmpty()) {
      idle++;
    }
  }

  /** The worker answered for {@code jobId}; returns that job, or null if the worker did not hold it. */
  Running finish(Worker worker, long jobId) {
    ArrayDeque<Running> held = loads.get(worker);
    if (held == null) {
      return null;
    }
    for (Iterator<Running> it = held.iterator(); it.hasNext(); ) {
      Running r = it.next();
      if (r.id() == jobId) {
        it.remove();
        if (held.isEmpty()) {
          idle++;
        }
        return r;
      }
    }
    return null;
  }

  int idleCount() {
    return idle;
  }
}
