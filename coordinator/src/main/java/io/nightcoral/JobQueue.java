package io.nightcoral;

import io.nightcoral.internal.pool.Failure;
import io.nightcoral.internal.pool.PoolListener;
import io.nightcoral.internal.pool.Worker;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.NewJob;
import io.nightcoral.internal.store.StoredJob;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue: one thread that owns the store and the dispatch state.
 *
 * <p>Callers and workers send it commands; each turn of its loop takes every command waiting, runs
 * them in one transaction together with the due-timer scan and the dispatch of due jobs to idle
 * workers, commits once, and only then completes futures and hands jobs to workers. That is the
 * group commit: many adds and completions share one fsync, and nothing is acknowledged or run
 * before it is durable. The thread sleeps until the next command or the next due timer.
 */
final class JobQueue implements PoolListener {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final int MAX_COMMANDS_PER_TURN = 2_000;
  private static final long FAULT_PAUSE_MILLIS = 1_000;

  /** Work for the queue's thread, run inside its transaction. */
  interface Command {
    void run() throws Exception;

    /** The transaction this command was in failed and was rolled back. */
    default void fail(Throwable cause) {}
  }

  /** Work whose result completes a caller's future once committed. */
  interface Query<T> {
    T run() throws Exception;
  }

  private final JobStore store;
  private final Clock clock;
  private final int maxAttempts;
  private final Backoff backoff;
  private final Consumer<WorkerPoolError> notifyError;
  private final Function<String, String> describe;
  private final IntSupplier poolSize;
  private final Metrics metrics;
  private final Thread thread;

  private final Object inboxLock = new Object();
  private final BlockingQueue<Command> inbox = new LinkedBlockingQueue<>();
  private boolean stopped;
  private final Map<Long, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
  private volatile Stats stats;

  // Everything below belongs to the queue's thread.
  private final JobCounts counts;
  private final ReadyCache ready;
  private final Map<Long, Running> running = new HashMap<>();
  private final WorkerLoads workers;
  private final List<Runnable> effects = new ArrayList<>();
  private final List<Running> startedThisTurn = new ArrayList<>();
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
  private CompletableFuture<Void> drained;
  private long now;
  private long retired;
  private long died;
  private long faultUntil;
  private boolean draining;
  private boolean stopRequested;

  JobQueue(
      JobStore store,
      Clock clock,
      int cacheJobs,
      int maxAttempts,
      Backoff backoff,
      Consumer<WorkerPoolError> notifyError,
      Function<String, String> describe,
      IntSupplier poolSize,
      Metrics metrics,
      int workerPrefetch) {
    this.store = store;
    this.clock = clock;
    this.counts = new JobCounts(store);
    this.ready = new ReadyCache(store, cacheJobs);
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.notifyError = notifyError;
    this.describe = describe;
    this.poolSize = poolSize;
    this.metrics = metrics;
    this.workers = new WorkerLoads(workerPrefetch);
    try {
      counts.recount(clock.millis());
      store.commit();
    } catch (SQLException e) {
      throw new NightCoralException(
          "cannot read database " + store.name() + ": " + e.getMessage(), e);
    }
    publishStats();
    this.thread = new Thread(this::loop, "nightcoral-queue");
    thread.setDaemon(true);
  }

  void start() {
    if (counts.due() > 0 || counts.later() > 0) {
      log.info(
          "database {}: recovered {} due jobs and {} timers from an earlier run",
          store.name(),
          counts.due(),
          counts.later());
    }
    thread.start();
  }

  // ---- API for callers (any thread) ----

  /** Stores jobs; the future completes with their ids once they are durable. */
  CompletableFuture<long[]> insert(
      List<NewJob> jobs, List<CompletableFuture<String>> replyFutures) {
    return call(
        () -> {
          long[] ids = insertNow(jobs);
          if (replyFutures != null) {
            effects.add(
                () -> {
                  for (int i = 0; i < ids.length; i++) {
                    CompletableFuture<String> reply = replyFutures.get(i);
                    long id = ids[i];
                    replies.put(id, reply);
                    reply.whenComplete((r, t) -> replies.remove(id, reply));
                  }
                });
          }
          return ids;
        });
  }

  /** Deletes a job that no worker has started. */
  CompletableFuture<Boolean> delete(long id) {
    return call(() -> deleteNow(id));
  }

  /** Completes the next time nothing is due or running. */
  CompletableFuture<Void> idle() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    submit(() -> idleWaiters.add(f), f);
    return f;
  }

  CompletableFuture<List<DeadRow>> deadJobs() {
    return call(store::deadJobs);
  }

  CompletableFuture<Boolean> requeueDead(long id) {
    return call(
        () -> {
          if (!store.requeueDead(id, counts.horizon())) {
            return false;
          }
          counts.revived();
          ready.mayHaveMore();
          return true;
        });
  }

  CompletableFuture<Boolean> deleteDead(long id) {
    return call(
        () -> {
          boolean deleted = store.deleteDead(id);
          if (deleted) {
            counts.deadDeleted();
          }
          return deleted;
        });
  }

  /** Stops dispatching; the future completes when no job is running. */
  CompletableFuture<Void> drain() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    submit(
        () -> {
          draining = true;
          drained = f;
        },
        f);
    return f;
  }

  /**
   * Ends the loop, fails whatever still waits, and closes the store; waits at most {@code millis}.
   */
  void stop(long millis) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    submit(() -> stopRequested = true, f);
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.error("database {}: the queue thread did not stop within {} ms", store.name(), millis);
    }
  }

  Stats stats() {
    return stats;
  }

  /** Whether the loop (which also waits for timers) is running. */
  boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Runs one PRAGMA statement on the store (tests simulate a full disk or a read-only database).
   */
  CompletableFuture<Void> pragma(String statement) {
    return call(
        () -> {
          store.pragma(statement);
          return null;
        });
  }

  /**
   * Completes after a turn that came after every command and event submitted so far, with the stats
   * published; it also makes the loop look at the clock again (tests move an injected clock).
   */
  CompletableFuture<Void> barrier() {
    return call(() -> null);
  }

  private <T> CompletableFuture<T> call(Query<T> query) {
    CompletableFuture<T> f = new CompletableFuture<>();
    submit(
        () -> {
          T value = query.run();
          effects.add(() -> f.complete(value));
        },
        f);
    return f;
  }

  private void submit(Command body, CompletableFuture<?> caller) {
    Command command =
        new Command() {
          @Override
          public void run() throws Exception {
            flushBatched(); // so the caller's command sees every row as the turn so far left it
            body.run();
          }

          @Override
          public void fail(Throwable cause) {
            caller.completeExceptionally(
                cause instanceof NightCoralException
                    ? cause
                    : new NightCoralException("database " + store.name() + ": " + cause, cause));
          }
        };
    synchronized (inboxLock) {
      if (stopped) {
        command.fail(new NightCoralException("NightCoral on " + store.name() + " is closed"));
        return;
      }
      inbox.add(command);
    }
  }

  private void submitEvent(Command event) {
    synchronized (inboxLock) {
      if (!stopped) {
        inbox.add(event);
      }
    }
  }

  // ---- events from the pool (pool threads) ----

  @Override
  public void workerReady(Worker worker) {
    submitEvent(() -> workers.add(worker));
  }

  @Override
  public void jobFinished(Worker worker, long jobId, String reply, List<NewJob> posts) {
    submitEvent(
        () -> {
          Running r = release(worker, jobId);
          if (r == null) {
            return;
          }
          store.finished(jobId);
          insertNow(posts);
          retired++;
          // The reply goes out now, not after the commit: the handler has finished, and if the
          // commit
          // were lost the job would simply run again (at least once), so the caller need not wait
          // for it.
          CompletableFuture<String> f = replies.get(jobId);
          if (f != null) {
            f.complete(reply);
          }
          if (log.isTraceEnabled()) {
            log.trace(
                "job {} done by worker {}: {}", jobId, worker.id(), describe.apply(r.payload()));
          }
        });
  }

  @Override
  public void jobFailed(Worker worker, long jobId, Failure failure) {
    submitEvent(
        () -> {
          Running r = release(worker, jobId);
          if (r != null) {
            failAttempt(r, failure);
          }
        });
  }

  @Override
  public void workerDied(Worker worker, String reason, boolean killed) {
    submitEvent(
        () -> {
          died++;
          List<Running> held = workers.remove(worker);
          Running r = held.isEmpty() ? null : held.get(0);
          for (Running job : held) {
            running.remove(job.id());
          }
          if (r != null && !draining) {
            failAttempt(r, Failure.of("worker " + worker.id() + " " + reason));
          }
          for (Running waiting : held.subList(Math.min(1, held.size()), held.size())) {
            store.unstart(
                waiting.id()); // it waited in the worker and never started: no attempt to charge
            ready.mayHaveMore();
          }
          WorkerPoolError error =
              new WorkerPoolError(
                  killed ? WorkerPoolError.Kind.WORKER_KILLED : WorkerPoolError.Kind.WORKER_DIED,
                  worker.id(),
                  r == null ? OptionalLong.empty() : OptionalLong.of(r.id()),
                  reason);
          effects.add(() -> notify(error));
        });
  }

  @Override
  public void poolStopped(String why) {
    submitEvent(
        () -> {
          draining = true; // nothing more to dispatch, and the deaths that follow charge no job
          effects.add(
              () -> {
                NightCoralException stoppedPool = new NightCoralException(why);
                replies.values().forEach(f -> f.completeExceptionally(stoppedPool));
                notify(
                    new WorkerPoolError(
                        WorkerPoolError.Kind.POOL_STOPPED, -1, OptionalLong.empty(), why));
              });
        });
  }

  /**
   * Frees the worker's hold on {@code jobId} and returns the job, or null if it did not hold it.
   */
  private Running release(Worker worker, long jobId) {
    Running r = workers.finish(worker, jobId);
    if (r == null) {
      log.warn("worker {} answered for job {}, which it did not hold", worker.id(), jobId);
      return null;
    }
    running.remove(jobId);
    metrics.jobTime(System.nanoTime() - r.startNanos());
    return r;
  }

  // ---- the loop ----

  private void loop() {
    List<Command> batch = new ArrayList<>();
    while (!stopRequested) {
      try {
        awaitCommands(batch);
        turn(batch);
      } catch (InterruptedException e) {
        log.warn("database {}: queue thread interrupted; stopping", store.name());
        break;
      } catch (Throwable t) {
        log.error("database {}: unexpected error in the queue loop", store.name(), t);
      }
      batch.clear();
    }
    finish();
  }

  private void awaitCommands(List<Command> batch) throws InterruptedException {
    long wakeAt = counts.nextDue();
    if (faultUntil > 0 && ready.mayHaveDue()) {
      wakeAt = Math.min(wakeAt, faultUntil);
    }
    Command first;
    if (wakeAt == Long.MAX_VALUE) {
      first = inbox.take();
    } else {
      Instant current =
          clock.instant(); // sub-millisecond, so the loop wakes right at the due millisecond
      long waitNanos =
          (wakeAt - current.toEpochMilli()) * 1_000_000 - current.getNano() % 1_000_000;
      first = waitNanos <= 0 ? inbox.poll() : inbox.poll(waitNanos, TimeUnit.NANOSECONDS);
    }
    if (first != null) {
      batch.add(first);
      inbox.drainTo(batch, MAX_COMMANDS_PER_TURN - 1);
    }
  }

  private void turn(List<Command> batch) {
    now = clock.millis();
    effects.clear();
    startedThisTurn.clear();
    try {
      advanceTime();
      for (Command c : batch) {
        c.run();
      }
      dispatch();
      flushBatched();
      store.commit();
    } catch (Exception e) {
      log.error(
          "database {}: a transaction of {} commands failed and was rolled back: {}",
          store.name(),
          batch.size(),
          e.toString(),
          e);
      recoverFromFault();
      for (Command c : batch) {
        c.fail(e);
      }
      effects.clear();
    }
    publishStats();
    for (Runnable effect : effects) {
      try {
        effect.run();
      } catch (Throwable t) {
        log.error("database {}: error after commit", store.name(), t);
      }
    }
    if (counts.due() <= 0 && !idleWaiters.isEmpty()) {
      idleWaiters.forEach(f -> f.complete(null));
      idleWaiters.clear();
    }
    if (drained != null && running.isEmpty()) {
      drained.complete(null);
      drained = null;
    }
  }

  /** Writes the batched deletes of finished jobs and attempt counts. */
  private void flushBatched() throws SQLException {
    counts.finished(store.flushBatched());
  }

  /** Counts timers that fell due since the last turn; a scan happens only when one is due. */
  private void advanceTime() throws SQLException {
    if (counts.advance(now) > 0) {
      ready.mayHaveMore();
    }
  }

  private long[] insertNow(List<NewJob> jobs) throws SQLException {
    long[] ids = new long[jobs.size()];
    for (int i = 0; i < ids.length; i++) {
      NewJob job = jobs.get(i);
      long horizon = counts.horizon();
      long dueAt = job.dueAt() == NewJob.NOW ? horizon : job.dueAt();
      long id = store.insert(job.payload(), dueAt, horizon);
      ids[i] = id;
      if (counts.stored(dueAt)) {
        ready.stored(new StoredJob(id, job.payload(), dueAt, horizon, 0));
      }
    }
    return ids;
  }

  private boolean deleteNow(long id) throws SQLException {
    if (running.containsKey(id)) {
      return false;
    }
    OptionalLong dueAt = store.delete(id);
    if (dueAt.isEmpty()) {
      return false;
    }
    counts.removed(dueAt.getAsLong());
    ready.remove(id);
    return true;
  }

  private void dispatch() throws SQLException {
    if (draining || now < faultUntil) {
      return;
    }
    flushBatched(); // finished jobs must be gone before the read-ahead queries for due jobs
    faultUntil = 0;
    Worker worker;
    while ((worker = workers.pick()) != null) {
      StoredJob job = ready.next(counts.horizon(), running.size(), running::containsKey);
      if (job == null) {
        return;
      }
      if (job.attempts() >= maxAttempts) {
        // every earlier attempt ended with the whole server going down
        bury(
            job.id(),
            job.attempts(),
            Failure.of("NightCoral stopped while the job ran, " + job.attempts() + " times"));
        continue;
      }
      store.markStarted(job.id());
      Running r =
          new Running(job.id(), job.payload(), job.attempts() + 1, worker, System.nanoTime());
      metrics.queueLatency(now - job.dueAt());
      if (job.wasTimer()) {
        metrics.timerLatency(now - job.dueAt());
      }
      running.put(job.id(), r);
      workers.assign(r);
      startedThisTurn.add(r);
      effects.add(
          () -> {
            if (log.isTraceEnabled()) {
              log.trace(
                  "job {} (attempt {}) to worker {}: {}",
                  r.id(),
                  r.attempts(),
                  r.worker().id(),
                  describe.apply(r.payload()));
            }
            r.worker().run(r.id(), r.payload());
          });
    }
  }

  private void failAttempt(Running r, Failure failure) throws SQLException {
    if (r.attempts() >= maxAttempts) {
      bury(r.id(), r.attempts(), failure);
      return;
    }
    long dueAt = now + backoff.delayMillis(r.attempts());
    store.retryLater(r.id(), dueAt, failure.describe());
    counts.postponed(dueAt);
    effects.add(
        () ->
            log.warn(
                "job {} failed attempt {} of {}, retrying in {} ms: {}",
                r.id(),
                r.attempts(),
                maxAttempts,
                dueAt - now,
                headline(failure)));
  }

  private void bury(long id, int attempts, Failure failure) throws SQLException {
    store.bury(id, failure.describe(), now);
    counts.buried();
    effects.add(
        () -> {
          log.error("job {} is dead after {} attempts: {}", id, attempts, headline(failure));
          CompletableFuture<String> f = replies.get(id);
          if (f != null) {
            f.completeExceptionally(
                new JobFailedException(
                    id, failure.className(), failure.message(), failure.stack()));
          }
          notify(
              new WorkerPoolError(
                  WorkerPoolError.Kind.JOB_DEAD, -1, OptionalLong.of(id), headline(failure)));
        });
  }

  private static String headline(Failure failure) {
    return failure.className().isEmpty()
        ? failure.message()
        : failure.className() + ": " + failure.message();
  }

  private void notify(WorkerPoolError error) {
    try {
      notifyError.accept(error);
    } catch (Throwable t) {
      log.error("notifyError callback threw", t);
    }
  }

  /**
   * After a failed transaction: undo this turn's dispatch and re-read the counts from the database.
   */
  private void recoverFromFault() {
    store.rollback();
    for (Running r : startedThisTurn) {
      running.remove(r.id());
      workers.unassign(r);
    }
    ready.clear();
    faultUntil = now + FAULT_PAUSE_MILLIS;
    try {
      counts.recount(now);
      store.commit();
    } catch (SQLException e) {
      log.error("database {}: cannot re-read counts: {}", store.name(), e.toString());
    }
  }

  private void publishStats() {
    stats =
        new Stats(
            poolSize.getAsInt(),
            workers.idleCount(),
            Math.max(0, counts.due() - running.size()),
            running.size(),
            retired,
            died,
            counts.later(),
            counts.dead());
  }

  private void finish() {
    List<Command> left = new ArrayList<>();
    synchronized (inboxLock) {
      stopped = true;
      inbox.drainTo(left);
    }
    NightCoralException closed =
        new NightCoralException("NightCoral on " + store.name() + " is closed");
    left.forEach(c -> c.fail(closed));
    idleWaiters.forEach(f -> f.completeExceptionally(closed));
    if (drained != null) {
      drained.complete(null);
    }
    replies.values().forEach(f -> f.completeExceptionally(closed));
    store.close();
    log.info("database {}: closed", store.name());
  }
}
