package io.nightcoral;

import io.nightcoral.internal.pool.Worker;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs each worker holds, in the order it runs them: at most one started (its handler runs),
 * the others sent ahead so the worker never waits for the coordinator between jobs. How many a
 * worker may hold adapts to how long handlers take: about {@link #QUEUED_WORK_NANOS} of work,
 * between 1 and {@code maxDepth}; long jobs therefore go one at a time. Confined to the queue's
 * thread.
 */
final class WorkerLoads {
  /** How much work a worker may hold beyond the job it runs, judged from recent handlers. */
  static final long QUEUED_WORK_NANOS = 2_000_000;

  private final int maxDepth;
  private final Map<Worker, ArrayDeque<HeldJob>> loads = new LinkedHashMap<>();
  private final Map<Long, HeldJob> byId = new HashMap<>();
  private final Map<Worker, long[]> done = new HashMap<>(); // jobs each worker answered for
  private int idle;
  private int running;
  private long serviceNanos; // moving average of a handler's time; 0 until measured

  WorkerLoads(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** A worker is ready for jobs. */
  void add(Worker worker) {
    if (loads.putIfAbsent(worker, new ArrayDeque<>()) == null) {
      idle++;
      done.put(worker, new long[1]);
    }
  }

  /** A worker is gone; returns the jobs it held, in order. */
  List<HeldJob> remove(Worker worker) {
    ArrayDeque<HeldJob> held = loads.remove(worker);
    done.remove(worker);
    if (held == null) {
      return List.of();
    }
    if (held.isEmpty()) {
      idle--;
    }
    for (HeldJob job : held) {
      byId.remove(job.id);
      if (job.started) {
        running--;
      }
    }
    return List.copyOf(held);
  }

  /** How many jobs a worker may hold now. */
  int depth() {
    if (serviceNanos == 0) {
      return maxDepth;
    }
    return (int) Math.max(1, Math.min(maxDepth, QUEUED_WORK_NANOS / serviceNanos));
  }

  /**
   * The least loaded worker that can take another job, or null; a worker holding a timer sent ahead
   * of its due instant takes no other job until that timer starts.
   */
  Worker pick() {
    Worker best = null;
    int bestLoad = depth();
    for (Map.Entry<Worker, ArrayDeque<HeldJob>> e : loads.entrySet()) {
      int load = e.getValue().size();
      if (load < bestLoad && !waitsForTimer(e.getValue())) {
        best = e.getKey();
        bestLoad = load;
        if (load == 0) {
          break;
        }
      }
    }
    return best;
  }

  /** A worker holding no job, or null. */
  Worker pickIdle() {
    for (Map.Entry<Worker, ArrayDeque<HeldJob>> e : loads.entrySet()) {
      if (e.getValue().isEmpty()) {
        return e.getKey();
      }
    }
    return null;
  }

  private static boolean waitsForTimer(ArrayDeque<HeldJob> held) {
    HeldJob first = held.peekFirst();
    return first != null && !first.started && first.notBefore != Worker.NOW;
  }

  /** Hands {@code job} to its worker. */
  void assign(HeldJob job) {
    ArrayDeque<HeldJob> held = loads.get(job.worker);
    if (held.isEmpty()) {
      idle--;
    }
    held.addLast(job);
    byId.put(job.id, job);
  }

  /** Takes back a job that was never sent (its transaction rolled back). */
  void unassign(HeldJob job) {
    release(job);
  }

  /** The job with id {@code id} if a worker holds it, or null. */
  HeldJob get(long id) {
    return byId.get(id);
  }

  /** Whether a worker holds job {@code id}. */
  boolean holds(long id) {
    return byId.containsKey(id);
  }

  /** The worker started job {@code jobId}; returns it, or null if the worker did not hold it. */
  HeldJob start(Worker worker, long jobId, long now) {
    HeldJob job = byId.get(jobId);
    if (job == null || job.worker != worker || job.started) {
      return null;
    }
    job.started = true;
    job.startedAt = now;
    running++;
    return job;
  }

  /**
   * The worker answered for, or gave back, job {@code jobId}; returns that job, or null if the
   * worker did not hold it.
   */
  HeldJob finish(Worker worker, long jobId, long handlerNanos) {
    HeldJob job = byId.get(jobId);
    if (job == null || job.worker != worker) {
      return null;
    }
    release(job);
    if (job.started) {
      long[] count = done.get(worker);
      if (count != null) {
        count[0]++;
      }
    }
    if (handlerNanos > 0) {
      long service = Math.max(1, handlerNanos);
      serviceNanos =
          serviceNanos == 0 ? service : serviceNanos - (serviceNanos >> 3) + (service >> 3);
    }
    return job;
  }

  private void release(HeldJob job) {
    ArrayDeque<HeldJob> held = loads.get(job.worker);
    if (held != null && held.remove(job) && held.isEmpty()) {
      idle++;
    }
    if (byId.remove(job.id) != null && job.started) {
      running--;
    }
  }

  /** What each ready worker does now, as {@link WorkerInfo} without the process facts. */
  List<WorkerInfo> snapshot() {
    List<WorkerInfo> all = new ArrayList<>(loads.size());
    for (Map.Entry<Worker, ArrayDeque<HeldJob>> e : loads.entrySet()) {
      Worker worker = e.getKey();
      HeldJob running = null;
      for (HeldJob job : e.getValue()) {
        if (job.started) {
          running = job;
        }
      }
      all.add(
          new WorkerInfo(
              worker.id(),
              worker.pid(),
              running == null ? WorkerInfo.State.IDLE : WorkerInfo.State.BUSY,
              running == null ? 0 : running.id,
              running == null ? null : Instant.ofEpochMilli(running.startedAt),
              done.getOrDefault(worker, new long[1])[0],
              Instant.ofEpochMilli(worker.startedAt())));
    }
    return all;
  }

  /** Every job a worker holds but has not started. */
  List<HeldJob> waiting() {
    return byId.values().stream().filter(j -> !j.started).toList();
  }

  /** Workers ready for jobs, as far as the queue has heard. */
  int workerCount() {
    return loads.size();
  }

  /** Workers holding no job. */
  int idleCount() {
    return idle;
  }

  /** Jobs whose handler runs now. */
  int runningCount() {
    return running;
  }

  /** Jobs held, started or not. */
  int heldCount() {
    return byId.size();
  }
}
