package io.nightcoral;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.NewJob;
import io.nightcoral.internal.Times;
import io.nightcoral.internal.pool.Failure;
import io.nightcoral.internal.pool.PoolListener;
import io.nightcoral.internal.pool.Worker;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.Inserted;
import io.nightcoral.internal.store.JobRow;
import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.Notice;
import io.nightcoral.internal.store.ReplyRow;
import io.nightcoral.internal.store.ScheduleRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue: one thread that owns the store and the dispatch state.
 *
 * <p>Callers and workers send it commands; each turn of its loop takes every command waiting and
 * runs them in one transaction together with the due-timer scan and the hand-out of due jobs to
 * workers, commits once, and only then answers callers and sends the jobs the turn stored to
 * workers (jobs stored before go out at once). That is the group commit: many adds and completions
 * share one fsync, and nothing is acknowledged before it is durable; a turn that only records
 * workers' reports may leave its fsync to a later turn (see {@link #SYNC_DELAY_NANOS}). A caller's
 * command runs in a savepoint of its own, so one that fails fails alone; what workers report is
 * kept in {@link PendingWrites} until a transaction holding it commits, so a failed transaction
 * loses none of it. No user code runs on this thread: futures handed to users and their callbacks
 * complete on {@link Callbacks}. The thread sleeps until the next command or the next due timer.
 */
final class JobQueue implements PoolListener {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final int MAX_COMMANDS_PER_TURN = 2_000;
  private static final long FAULT_PAUSE_MILLIS = 1_000;

  /**
   * On a shared store, how often the queue looks at the database even if no notice came (the safety
   * poll behind LISTEN/NOTIFY), renews its lease and recounts.
   */
  static final long POLL_MILLIS = 5_000;

  /**
   * The longest the record of finished jobs waits for an fsync where the store can commit without
   * one (SQLite, {@code synchronous=FULL}): a turn that only records what workers reported (no
   * caller waits for it, nothing it stored goes out) commits without syncing, and the next turn
   * that syncs, or the queue within this time, makes it durable.
   */
  static final long SYNC_DELAY_NANOS = 10_000_000;

  /** The longest a turn waits for more callers to share its commit. */
  static final long MAX_GATHER_NANOS = 1_000_000;

  /**
   * The longest the queue sleeps while timers wait, so that a step of the wall clock makes a timer
   * at most this late.
   */
  static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** What the queue needs to know besides its store. */
  record Settings(
      String name,
      long leaseMillis,
      int cacheJobs,
      int maxAttempts,
      Backoff backoff,
      int workerPrefetch,
      Consumer<WorkerPoolError> notifyError,
      Function<String, String> describe,
      long timerLeadMillis) {}

  /** Work for the queue's thread. */
  private interface Command {
    /** Runs inside the turn's transaction. */
    void run() throws Exception;
  }

  /** Work whose result completes a caller's call once committed. */
  interface Query<T> {
    T run() throws Exception;
  }

  /**
   * A caller's request, completed once the transaction it ran in committed. Until the queue takes
   * it up, the caller may {@link #withdraw} it, and then it never runs.
   */
  class Call<T> extends CompletableFuture<T> implements Command {
    private final Query<T> query;
    private final AtomicBoolean taken = new AtomicBoolean();

    Call(Query<T> query) {
      this.query = query;
    }

    /** Makes sure the call never runs; false if the queue has already taken it up. */
    boolean withdraw() {
      return taken.compareAndSet(false, true);
    }

    private boolean claim() {
      return taken.compareAndSet(false, true);
    }

    @Override
    public void run() throws Exception {
      T value = query.run();
      afterCommit.add(() -> complete(value));
    }

    /** The call failed: its own savepoint rolled back, or the whole transaction did. */
    void fail(Throwable cause) {
      completeExceptionally(
          cause instanceof NightCoralException || cause instanceof Error
              ? cause
              : cause instanceof EngineException
                  ? new NightCoralException(cause.getMessage(), cause)
                  : new NightCoralException("database " + store.name() + ": " + cause, cause));
    }
  }

  private final JobStore store;
  private final QueueClock clock;
  private final Settings settings;
  private final Callbacks callbacks;
  private final Replies replies;
  private final IntSupplier poolSize;
  private final IntSupplier spares;
  private final Metrics metrics;
  private final Thread thread;
  private final String name;

  private final Object inboxLock = new Object();
  private final BlockingQueue<Command> inbox = new LinkedBlockingQueue<>();
  private boolean stopped; // guarded by inboxLock
  private volatile Stats stats;
  private volatile List<WorkerInfo> workerView = List.of();
  private volatile Throwable death;

  // Everything below belongs to the queue's thread.
  private final JobCounts counts;
  private final ReadyCache ready;
  private final WorkerLoads loads;
  private final PendingWrites pending = new PendingWrites();
  private final List<Runnable> afterCommit = new ArrayList<>();
  private final List<HeldJob> sentThisTurn = new ArrayList<>(); // hand-outs waiting for commit
  private final List<HeldJob> sendWhenWritten = new ArrayList<>(); // ... for its write, not sync
  private final Set<Long> writtenThisTurn = new HashSet<>(); // jobs made ready by this turn
  private final List<HeldJob> askedBackThisTurn = new ArrayList<>();
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
  private CompletableFuture<Void> drained;
  private long now;
  private long retired;
  private long died;
  private long faultUntil;
  private boolean draining;
  private boolean poolStopped;
  private boolean stopRequested;
  private boolean pendingBlocked; // this turn could not write the workers' reports
  private long nextScheduleRun;
  private long nextPoll; // shared stores only
  private boolean schedulesChanged; // another coordinator said so
  private boolean repliesWaiting; // another coordinator sent replies
  private final int[] callsPerTurn = new int[16]; // of the last turns, in a ring
  private int turns;
  private long commitNanos = 100_000; // moving average of a commit's time
  private volatile long unsyncedSince; // nanoTime of the first commit left unsynced, or 0
  private long syncDelayNanos = SYNC_DELAY_NANOS;
  private boolean needsResync; // something rolled back to a savepoint this turn
  private boolean failCommit; // set by a test: this turn's commit fails
  private long lookedAheadTo = Long.MIN_VALUE; // timers due by then were considered for sending
  private long startedAhead = Long.MIN_VALUE; // latest due time of a timer a worker started

  JobQueue(
      JobStore store,
      QueueClock clock,
      Settings settings,
      Callbacks callbacks,
      Replies replies,
      IntSupplier poolSize,
      IntSupplier spares,
      Metrics metrics) {
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.name = settings.name();
    this.callbacks = callbacks;
    this.replies = replies;
    this.poolSize = poolSize;
    this.spares = spares;
    this.metrics = metrics;
    this.counts = new JobCounts(store);
    this.ready = new ReadyCache(store, settings.cacheJobs());
    this.loads = new WorkerLoads(settings.workerPrefetch());
    try {
      now = clock.advance();
      counts.recount(now);
      nextScheduleRun = store.nextScheduleRun();
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
    store.listen(notice -> submitEvent(() -> heard(notice)));
    if (counts.due() > 0 || counts.later() > 0) {
      log.info(
          "{}: recovered {} due jobs and {} timers from an earlier run",
          name,
          counts.due(),
          counts.later());
    }
    thread.start();
  }

  // ---- API for callers (any thread) ----

  /** Stores jobs; completes with their ids once they are durable. */
  Call<Inserted[]> insert(List<NewJob> jobs, List<CompletableFuture<String>> replyFutures) {
    return call(
        () -> {
          Inserted[] ids = insertNow(jobs, replyFutures != null);
          if (replyFutures != null) {
            afterCommit.add(
                () -> {
                  for (int i = 0; i < ids.length; i++) {
                    replies.await(ids[i].id(), replyFutures.get(i));
                  }
                });
          }
          return ids;
        });
  }

  /**
   * Stores or replaces the schedule {@code name}; a replaced schedule keeps its history, and its
   * next run if its timing did not change.
   */
  Call<Void> schedule(String name, Schedule schedule, String payload) {
    return call(
        () -> {
          ScheduleRow old = store.schedule(name);
          long nextRun =
              old != null && old.spec().equals(schedule.text())
                  ? old.nextRun()
                  : schedule.nextAfter(now, Times.plus(now, schedule.rateMillis()));
          store.putSchedule(name, schedule.text(), payload, nextRun);
          nextScheduleRun = store.nextScheduleRun();
          return null;
        });
  }

  /**
   * Adds the job of schedule {@code name} now, as an extra firing: its next run stays; false if
   * there is no such schedule.
   */
  Call<Boolean> runScheduleNow(String name) {
    return call(
        () -> {
          ScheduleRow row = store.schedule(name);
          if (row == null) {
            return false;
          }
          Inserted job = insertNow(List.of(NewJob.now(row.payload())))[0];
          store.scheduleFired(name, now, job.id(), row.nextRun());
          return true;
        });
  }

  /** Deletes the schedule {@code name}; false if there was none. */
  Call<Boolean> unschedule(String name) {
    return call(
        () -> {
          boolean deleted = store.deleteSchedule(name);
          nextScheduleRun = store.nextScheduleRun();
          return deleted;
        });
  }

  /** Every schedule, by name. */
  Call<List<ScheduleRow>> schedules() {
    return call(store::schedules);
  }

  /** Runs a read on the store's own connection, on this thread (for an in-memory database). */
  <T> Call<T> read(Query<T> query) {
    return call(query);
  }

  /**
   * Deletes a job no worker has started: true once it is gone for good; a job sent ahead to a
   * worker is asked back from it first.
   */
  Call<Boolean> delete(long id) {
    Call<Boolean> call =
        new Call<>(null) {
          @Override
          public void run() throws Exception {
            HeldJob held = loads.get(id);
            if (held == null) {
              boolean deleted = deleteNow(id);
              afterCommit.add(() -> complete(deleted));
            } else if (held.started || held.deleter != null) {
              afterCommit.add(() -> complete(false));
            } else {
              held.deleter = this; // completed when the worker answers, or dies
              askBack(held);
            }
          }

          @Override
          void fail(Throwable cause) {
            HeldJob held = loads.get(id);
            if (held != null && held.deleter == this) {
              held.deleter = null;
            }
            super.fail(cause);
          }
        };
    return submit(call);
  }

  /** Completes the next time nothing is due or running; its dependents run on a callback thread. */
  CompletableFuture<Void> idle() {
    CompletableFuture<Void> user = new CompletableFuture<>();
    CompletableFuture<Void> internal = new CompletableFuture<>();
    internal.whenComplete(
        (v, t) ->
            callbacks.execute(
                () -> {
                  if (t != null) {
                    user.completeExceptionally(t);
                  } else {
                    user.complete(null);
                  }
                }));
    submit(
        new Call<Void>(
            () -> {
              idleWaiters.add(internal);
              return null;
            }) {
          @Override
          void fail(Throwable cause) {
            super.fail(cause);
            internal.completeExceptionally(cause);
          }
        });
    return user;
  }

  Call<List<DeadRow>> deadJobs() {
    return call(store::deadJobs);
  }

  Call<Boolean> requeueDead(long id) {
    return call(
        () -> {
          if (!store.requeueDead(id, counts.horizon())) {
            return false;
          }
          writtenThisTurn.add(id);
          counts.revived();
          ready.invalidate();
          return true;
        });
  }

  Call<Boolean> deleteDead(long id) {
    return call(
        () -> {
          boolean deleted = store.deleteDead(id);
          if (deleted) {
            counts.deadDeleted();
          }
          return deleted;
        });
  }

  /**
   * Stops handing out jobs and asks workers to give back those they hold but have not started; the
   * future completes once no worker holds a job.
   */
  CompletableFuture<Void> drain() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(
        new Call<Void>(
            () -> {
              draining = true;
              drained = done;
              for (HeldJob held : loads.waiting()) {
                askBack(held);
              }
              return null;
            }) {
          @Override
          void fail(Throwable cause) {
            super.fail(cause);
            done.completeExceptionally(cause);
          }
        });
    return done;
  }

  /** A new pool is about to start after the last one stopped itself. */
  Call<Void> poolRestarting() {
    return call(
        () -> {
          poolStopped = false;
          return null;
        });
  }

  /**
   * Ends the loop, fails whatever still waits, and closes the store; waits at most {@code millis},
   * and returns whether the loop ended (and the store is closed).
   */
  boolean stop(long millis) {
    submitEvent(() -> stopRequested = true);
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.error("{}: the queue thread did not stop within {} ms", name, millis);
      return false;
    }
    return true;
  }

  Stats stats() {
    return stats.withSpares(spares.getAsInt()); // spares become ready between turns too
  }

  /** Whether the loop (which also waits for timers) is running. */
  boolean isRunning() {
    return thread.isAlive() && death == null;
  }

  /** Why the queue's thread died, or null while it lives. */
  Throwable death() {
    return death;
  }

  /** Inserts a job and then runs {@code after} in the same call (tests make it throw). */
  Call<Inserted[]> insertThenForTest(NewJob job, Runnable after) {
    return call(
        () -> {
          Inserted[] ids = insertNow(List.of(job));
          after.run();
          return ids;
        });
  }

  /**
   * Runs one PRAGMA statement on the store (tests simulate a full disk or a read-only database).
   */
  Call<Void> pragma(String statement) {
    return call(
        () -> {
          store.pragma(statement);
          return null;
        });
  }

  /**
   * Makes the commit of the turn under way fail, as a disk error would; only on the queue thread.
   */
  void failThisCommitForTest() {
    failCommit = true;
  }

  /** Makes the commit of this call's turn fail, as a disk error would; tests use it. */
  Call<Void> failCommitForTest() {
    return call(
        () -> {
          failCommit = true;
          return null;
        });
  }

  /** Sets how long finished jobs' records may wait for a sync (see {@link #SYNC_DELAY_NANOS}). */
  Call<Void> syncDelayForTest(long nanos) {
    return call(
        () -> {
          syncDelayNanos = nanos;
          return null;
        });
  }

  /** Whether a commit is waiting for a sync; read from any thread, by tests. */
  boolean syncPendingForTest() {
    return unsyncedSince != 0;
  }

  /**
   * Runs {@code body} on the queue's thread, in a turn of its own commands; tests use it to hold
   * the thread busy while they look at what waits behind it.
   */
  Call<Void> runForTest(Runnable body) {
    return call(
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Completes after a turn that came after every command and event submitted so far, with the stats
   * published; it also makes the loop read the clock again (tests move an injected clock).
   */
  Call<Void> barrier() {
    return call(() -> null);
  }

  private <T> Call<T> call(Query<T> query) {
    return submit(new Call<>(query));
  }

  private <T> Call<T> submit(Call<T> call) {
    synchronized (inboxLock) {
      if (stopped) {
        call.claim();
        call.fail(closedException());
        return call;
      }
      inbox.add(call);
    }
    return call;
  }

  private void submitEvent(Command event) {
    synchronized (inboxLock) {
      if (!stopped) {
        inbox.add(event);
      }
    }
  }

  private NightCoralException closedException() {
    Throwable cause = death;
    return cause == null
        ? new NightCoralException("NightCoral on " + store.name() + " is closed")
        : new NightCoralException(
            "NightCoral on " + store.name() + " stopped: its queue thread died of " + cause, cause);
  }

  // ---- events from the pool (pool threads) ----

  @Override
  public void workerReady(Worker worker) {
    submitEvent(() -> loads.add(worker));
  }

  @Override
  public void jobStarted(Worker worker, long jobId) {
    submitEvent(
        () -> {
          HeldJob held = loads.start(worker, jobId, now);
          if (held == null) {
            log.warn(
                "{}: worker {} started job {}, which it did not hold", name, worker.id(), jobId);
            return;
          }
          pending.add(() -> store.markStarted(jobId));
          if (held.notBefore != Worker.NOW) {
            startedAhead = Math.max(startedAhead, held.dueAt); // it is due, whatever now says
          }
          metrics.queueLatency(now - held.dueAt);
          if (held.wasTimer) {
            metrics.timerLatency(now - held.dueAt);
          }
          held.leaving = false;
          if (held.deleter != null) {
            held.deleter.complete(false); // too late: it runs
            held.deleter = null;
          }
        });
  }

  @Override
  public void jobFinished(
      Worker worker, long jobId, String reply, List<NewJob> posts, long handlerNanos) {
    submitEvent(
        () -> {
          HeldJob held = release(worker, jobId, handlerNanos);
          if (held == null) {
            return;
          }
          retired++;
          // The reply goes out now, not after the commit: the handler has finished, and if the
          // commit were lost the job would simply run again (at least once).
          String replyTo = held.replyTo;
          if (replyTo == null) {
            replies.complete(jobId, reply);
          }
          pending.add(
              () -> {
                store.finished(jobId);
                insertNow(posts);
                if (replyTo != null) { // another coordinator awaits it
                  store.sendReply(replyTo, new ReplyRow(jobId, false, reply, null, null, null));
                }
              });
          trace("job {} done by worker {}: {}", held);
        });
  }

  @Override
  public void jobFailed(Worker worker, long jobId, Failure failure, long handlerNanos) {
    submitEvent(
        () -> {
          HeldJob held = release(worker, jobId, handlerNanos);
          if (held != null) {
            failAttempt(held, failure);
          }
        });
  }

  @Override
  public void jobRejected(Worker worker, long jobId, String why) {
    submitEvent(
        () -> {
          HeldJob held = release(worker, jobId, 0);
          if (held != null) {
            pending.add(() -> bury(held.id, held.attempt - 1, Failure.of(why)));
          }
        });
  }

  @Override
  public void jobCancelled(Worker worker, long jobId, boolean cancelled) {
    submitEvent(
        () -> {
          HeldJob held = loads.get(jobId);
          if (held == null || held.worker != worker) {
            return;
          }
          if (cancelled) {
            loads.finish(worker, jobId, 0);
            giveBack(held);
          } else {
            held.leaving = false; // it started there
            if (held.deleter != null) {
              held.deleter.complete(false);
              held.deleter = null;
            }
          }
        });
  }

  @Override
  public void workerDied(Worker worker, String reason, boolean killed) {
    submitEvent(
        () -> {
          died++;
          HeldJob running = null;
          for (HeldJob held : loads.remove(worker)) {
            if (held.started) {
              running = held;
              if (!draining && !poolStopped) {
                failAttempt(held, Failure.of("worker " + worker.id() + " " + reason));
              }
            } else {
              giveBack(held); // it never started here: no attempt to charge
            }
          }
          if ((draining || poolStopped) && !killed) {
            return; // children leaving as they were asked to are no news
          }
          notify(
              new WorkerPoolError(
                  killed ? WorkerPoolError.Kind.WORKER_KILLED : WorkerPoolError.Kind.WORKER_DIED,
                  worker.id(),
                  running == null ? OptionalLong.empty() : OptionalLong.of(running.id),
                  reason));
        });
  }

  @Override
  public void poolStopped(String why) {
    submitEvent(
        () -> {
          poolStopped = true; // nothing more to hand out, and the deaths that follow charge no job
          replies.failAll(new NightCoralException(why));
          notify(
              new WorkerPoolError(
                  WorkerPoolError.Kind.POOL_STOPPED, -1, OptionalLong.empty(), why));
        });
  }

  /** News from another coordinator; only notes it, the turn acts on it. */
  private void heard(Notice notice) {
    switch (notice.kind()) {
      case DUE -> ready.invalidate();
      case TIMER -> counts.timerAt(notice.at());
      case SCHEDULE -> schedulesChanged = true;
      case REPLY -> repliesWaiting = true;
    }
  }

  /**
   * On a shared store: acts on other coordinators' news, and at each safety poll renews this
   * coordinator's lease (taking back the jobs of coordinators whose lease lapsed) and recounts.
   */
  private void takeNews() throws SQLException {
    if (!store.shared()) {
      return;
    }
    if (now >= nextPoll) {
      int returned = store.renewLease(now, settings.leaseMillis());
      if (returned > 0) {
        afterCommit.add(
            () ->
                log.warn(
                    "{}: {} jobs of coordinators whose lease lapsed went back to the queue",
                    name,
                    returned));
      }
      counts.recount(now);
      ready.invalidate();
      schedulesChanged = true;
      repliesWaiting = true;
      nextPoll = now + POLL_MILLIS;
    }
    if (schedulesChanged) {
      schedulesChanged = false;
      nextScheduleRun = store.nextScheduleRun();
    }
    if (repliesWaiting) {
      repliesWaiting = false;
      for (ReplyRow reply : store.takeReplies()) {
        afterCommit.add(
            () -> {
              if (reply.failed()) {
                replies.fail(
                    reply.jobId(),
                    new JobFailedException(
                        reply.jobId(),
                        reply.errorClass(),
                        reply.errorMessage(),
                        reply.errorStack()));
              } else {
                replies.complete(reply.jobId(), reply.payload());
              }
            });
      }
    }
  }

  /** A job a worker gave back unstarted: deleted if a caller asked for that, else queued again. */
  private void giveBack(HeldJob held) {
    CompletableFuture<Boolean> deleter = held.deleter;
    if (deleter == null) {
      if (store.shared()) {
        pending.add(() -> store.release(List.of(held.id))); // let any coordinator take it
      }
      ready.invalidate();
      return;
    }
    held.deleter = null;
    pending.add(
        new PendingWrites.Write() {
          @Override
          public void apply() throws SQLException {
            deleteNow(held.id);
          }

          @Override
          public void committed(List<Runnable> effects) {
            effects.add(() -> deleter.complete(true));
          }

          @Override
          public boolean awaited() {
            return true;
          }
        });
  }

  /**
   * Frees the worker's hold on {@code jobId} and returns the job, or null if it did not hold it.
   */
  private HeldJob release(Worker worker, long jobId, long handlerNanos) {
    HeldJob held = loads.finish(worker, jobId, handlerNanos);
    if (held == null) {
      log.warn(
          "{}: worker {} answered for job {}, which it did not hold", name, worker.id(), jobId);
      return null;
    }
    if (handlerNanos > 0) {
      metrics.jobTime(handlerNanos);
    }
    return held;
  }

  // ---- the loop ----

  private void loop() {
    List<Command> batch = new ArrayList<>();
    try {
      while (!stopRequested) {
        try {
          awaitCommands(batch);
          turn(batch);
        } catch (InterruptedException e) {
          // Only stray code can interrupt this thread; it stops only when asked to.
          log.warn("{}: the queue thread was interrupted; going on", name);
        } catch (Throwable t) {
          log.error("{}: unexpected error in the queue loop", name, t);
        }
        batch.clear();
      }
    } catch (Throwable fatal) {
      death = fatal;
      log.error("{}: the queue thread died", name, fatal);
    } finally {
      finish();
    }
  }

  private void awaitCommands(List<Command> batch) throws InterruptedException {
    long wakeAt = Math.min(counts.nextDue(), nextScheduleRun);
    if (maySendAhead() && counts.nextDue() > lookedAheadTo) {
      wakeAt = Math.min(wakeAt, Times.minus(counts.nextDue(), settings.timerLeadMillis()));
    }
    if (store.shared()) {
      wakeAt = Math.min(wakeAt, nextPoll);
    }
    if (faultUntil > 0 && (ready.mayHaveDue() || pending.hasUncommitted())) {
      wakeAt = Math.min(wakeAt, faultUntil);
    }
    long waitNanos = Long.MAX_VALUE;
    if (wakeAt != Long.MAX_VALUE) {
      // to the nanosecond, so the loop wakes right at the due millisecond
      Instant current = clock.wallInstant();
      waitNanos =
          Math.min(
              MAX_SLEEP_NANOS,
              Times.minus(
                  Times.times(Times.minus(wakeAt, current.toEpochMilli()), 1_000_000),
                  current.getNano() % 1_000_000));
    }
    if (unsyncedSince != 0) { // at the latest when the unsynced commits must sync
      waitNanos = Math.min(waitNanos, unsyncedSince + syncDelayNanos - System.nanoTime());
    }
    Command first;
    if (waitNanos == Long.MAX_VALUE) {
      first = inbox.take();
    } else {
      first = waitNanos <= 0 ? inbox.poll() : inbox.poll(waitNanos, TimeUnit.NANOSECONDS);
    }
    if (first != null) {
      batch.add(first);
      inbox.drainTo(batch, MAX_COMMANDS_PER_TURN - 1);
      gatherCallers(batch);
    }
  }

  /**
   * Group commit under contention: while several callers took turns recently, a turn that holds the
   * calls of fewer of them waits a little (at most half a commit's time, and {@link
   * #MAX_GATHER_NANOS}) for the others, so they share one commit instead of each paying for one; a
   * lone caller never waits.
   */
  private void gatherCallers(List<Command> batch) throws InterruptedException {
    int expected = recentCallers();
    int calls = 0;
    for (Command c : batch) {
      if (c instanceof Call<?>) {
        calls++;
      }
    }
    if (calls == 0 || expected <= 1 || calls >= expected) {
      return;
    }
    long deadline = System.nanoTime() + Math.min(MAX_GATHER_NANOS, commitNanos / 2);
    long left;
    while (calls < expected
        && batch.size() < MAX_COMMANDS_PER_TURN
        && (left = deadline - System.nanoTime()) > 0) {
      Command next = inbox.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      if (next instanceof Call<?>) {
        calls++;
      }
    }
  }

  /** The most calls one of the last turns held. */
  private int recentCallers() {
    int most = 0;
    for (int calls : callsPerTurn) {
      most = Math.max(most, calls);
    }
    return most;
  }

  private void turn(List<Command> batch) {
    now = clock.advance();
    afterCommit.clear();
    sentThisTurn.clear();
    sendWhenWritten.clear();
    writtenThisTurn.clear();
    askedBackThisTurn.clear();
    List<Call<?>> succeeded = new ArrayList<>();
    int calls = 0;
    for (Command c : batch) {
      if (c instanceof Call<?>) {
        calls++;
      }
    }
    callsPerTurn[turns++ & (callsPerTurn.length - 1)] = calls;
    pendingBlocked = false;
    needsResync = false;
    try {
      // Workers' reports first: they only change memory and add pending writes, so no failure of
      // the database can make them go unheard.
      for (Command c : batch) {
        if (!(c instanceof Call<?>)) {
          c.run();
        }
      }
      advanceTime();
      takeNews();
      fireSchedules();
      for (Command c : batch) {
        if (c instanceof Call<?> call) {
          if (!call.claim()) {
            continue; // withdrawn by its caller
          }
          applyPending(); // so the call sees every row as the turn so far left it
          store.savepoint();
          try {
            call.run();
            store.releaseSavepoint();
            succeeded.add(call);
          } catch (Exception | Error e) {
            store.rollbackToSavepoint();
            call.fail(e);
            needsResync = true;
          }
        }
      }
      applyPending();
      if (needsResync) {
        resync();
      }
      dispatch();
      long commitStart = System.nanoTime();
      if (failCommit) {
        failCommit = false;
        throw new SQLException("commit failed (simulated by a test)");
      }
      boolean syncLater = maySyncLater(succeeded);
      boolean unsynced = store.commitUnsynced();
      sendWritten();
      pending.committed(afterCommit);
      if (syncLater) {
        if (unsynced && unsyncedSince == 0) {
          unsyncedSince = Math.max(1, commitStart);
        }
      } else {
        sync(succeeded);
        long took = System.nanoTime() - commitStart;
        commitNanos = commitNanos - (commitNanos >> 3) + (took >> 3);
      }
    } catch (Throwable e) {
      log.error(
          "{}: a transaction of {} commands failed and was rolled back: {}",
          name,
          batch.size(),
          e.toString(),
          e);
      recoverFromFault();
      afterCommit.clear();
      for (Call<?> call : succeeded) {
        call.fail(e);
      }
      for (Command c : batch) {
        if (c instanceof Call<?> call && !call.isDone() && !succeeded.contains(call)) {
          call.fail(e); // not reached before the failure
        }
      }
    }
    publishStats();
    for (Runnable effect : afterCommit) {
      try {
        effect.run();
      } catch (Throwable t) {
        log.error("{}: error after commit", name, t);
      }
    }
    if (counts.due() <= 0 && !idleWaiters.isEmpty()) {
      idleWaiters.forEach(f -> f.complete(null));
      idleWaiters.clear();
    }
    if (drained != null && loads.heldCount() == 0) {
      drained.complete(null);
      drained = null;
    }
  }

  /**
   * Writes what the workers reported, and the batched deletes and attempt counts, in a savepoint:
   * if that fails (a full disk, say), the reports wait for a later transaction, the rest of this
   * one goes on, and no job is handed out until they are written.
   */
  private void applyPending() throws SQLException {
    if (pendingBlocked || pending.isEmpty()) {
      return;
    }
    store.savepoint();
    pending.mark();
    try {
      pending.apply();
      counts.finished(store.flushBatched());
      store.releaseSavepoint();
    } catch (SQLException | RuntimeException e) {
      store.rollbackToSavepoint();
      pending.rollBackToMark();
      pendingBlocked = true;
      needsResync = true;
      faultUntil = now + FAULT_PAUSE_MILLIS;
      log.error(
          "{}: cannot record what the workers reported; trying again in {} ms: {}",
          name,
          FAULT_PAUSE_MILLIS,
          e.toString());
    }
  }

  /**
   * Counts timers that fell due since the last turn; a scan happens only when one is due. A timer
   * sent ahead that its worker started is due even if this turn's clock reading is a little behind
   * the worker's, so that its finish counts as a due job's.
   */
  private void advanceTime() throws SQLException {
    if (counts.advance(Math.max(now, startedAhead)) > 0) {
      ready.invalidate();
    }
  }

  private Inserted[] insertNow(List<NewJob> jobs) throws SQLException {
    return insertNow(jobs, false);
  }

  /** Stores jobs; {@code awaited}: this coordinator waits for their replies. */
  private Inserted[] insertNow(List<NewJob> jobs, boolean awaited) throws SQLException {
    if (!awaited && !store.shared() && alike(jobs)) { // one statement per 1,000 on SQLite
      return insertAlike(jobs);
    }
    Inserted[] ids = new Inserted[jobs.size()];
    for (int i = 0; i < ids.length; i++) {
      NewJob job = jobs.get(i);
      long horizon = counts.horizon();
      long dueAt = job.dueAt(horizon);
      Inserted inserted =
          store.insert(job.payload(), dueAt, horizon, job.key(), job.priority(), awaited);
      ids[i] = inserted;
      if (inserted.created()) {
        stored(inserted.id(), job.payload(), dueAt, horizon, job.priority());
      }
    }
    return ids;
  }

  /** Counts a job this turn stored, and keeps it among the ready ones if it is due soon enough. */
  private void stored(long id, String payload, long dueAt, long horizon, int priority) {
    writtenThisTurn.add(id);
    if (counts.stored(dueAt)) {
      ready.stored(new JobRow(id, payload, dueAt, horizon, 0, priority));
    }
  }

  /** Whether {@code jobs} are several, none with a key, all due at once with one priority. */
  private boolean alike(List<NewJob> jobs) {
    if (jobs.size() < 2) {
      return false;
    }
    long horizon = counts.horizon();
    NewJob first = jobs.get(0);
    for (NewJob job : jobs) {
      if (job.key() != null
          || job.priority() != first.priority()
          || job.dueAt(horizon) != first.dueAt(horizon)) {
        return false;
      }
    }
    return true;
  }

  /** Inserts jobs that {@link #alike} found alike, at once. */
  private Inserted[] insertAlike(List<NewJob> jobs) throws SQLException {
    long horizon = counts.horizon();
    long dueAt = jobs.get(0).dueAt(horizon);
    int priority = jobs.get(0).priority();
    List<String> payloads = new ArrayList<>(jobs.size());
    for (NewJob job : jobs) {
      payloads.add(job.payload());
    }
    long[] ids = store.insertAll(payloads, dueAt, horizon, priority);
    Inserted[] inserted = new Inserted[ids.length];
    for (int i = 0; i < ids.length; i++) {
      inserted[i] = new Inserted(ids[i], true);
      stored(ids[i], payloads.get(i), dueAt, horizon, priority);
    }
    return inserted;
  }

  /**
   * Fires the schedules that are due: each firing adds one ordinary job and moves the schedule's
   * next run on, in this transaction; a schedule whose last job has not finished skips the firing.
   * Runs missed while NightCoral was down fire once, not once each.
   */
  private void fireSchedules() throws SQLException {
    if (now < nextScheduleRun) {
      return;
    }
    for (ScheduleRow row : store.dueSchedules(now)) {
      long next;
      try {
        Schedule schedule = Schedule.parse(row.spec());
        next = schedule.nextAfter(now, row.nextRun());
      } catch (IllegalArgumentException e) {
        log.error("{}: schedule {} cannot be read and will not fire: {}", name, row.name(), e);
        store.scheduleSkipped(row.name(), Long.MAX_VALUE);
        continue;
      }
      if (row.lastJob() != 0 && store.isUnfinished(row.lastJob())) {
        store.scheduleSkipped(row.name(), next);
        String schedule = row.name();
        afterCommit.add(
            () ->
                log.info(
                    "{}: schedule {} skipped a firing: job {} of its last firing has not finished",
                    name,
                    schedule,
                    row.lastJob()));
        continue;
      }
      Inserted job = insertNow(List.of(NewJob.now(row.payload())))[0];
      store.scheduleFired(row.name(), now, job.id(), next);
    }
    nextScheduleRun = store.nextScheduleRun();
  }

  private boolean deleteNow(long id) throws SQLException {
    if (loads.holds(id)) {
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
    if (draining || poolStopped || pendingBlocked || now < faultUntil) {
      return;
    }
    faultUntil = 0;
    if (store.shared() && loads.workerCount() == 0) {
      return; // no worker here: claim nothing, the other coordinators run it
    }
    JobRow job = ready.peek(counts.horizon(), loads.heldCount(), loads::holds);
    if (job != null) {
      takeBackOutranked(job);
    }
    HeldJob leaving = firstLeaving();
    // A job whose row was already durable before this turn goes out now, so that its child works
    // while this turn's commit syncs: its attempt becomes durable through the child's start record.
    // One this turn made ready (added, requeued, retried) waits until the commit has written it,
    // not for the sync, as does every job after it, so that each worker still receives its jobs in
    // the queue's order; one claimed on a shared store waits for the commit, and so do all of them
    // when a worker is being asked to give jobs back.
    boolean afterCommitOnly = store.shared() || !askedBackThisTurn.isEmpty();
    Worker worker;
    while (job != null && (worker = loads.pick()) != null) {
      if (leaving != null && leaving.runsBefore(job)) {
        return; // a job on its way back from a worker goes first
      }
      ready.take(job);
      if (job.attempts() >= settings.maxAttempts()) {
        // every earlier attempt ended with the whole server going down
        bury(
            job.id(),
            job.attempts(),
            Failure.of("NightCoral stopped while the job ran, " + job.attempts() + " times"));
      } else {
        HeldJob held = HeldJob.of(job, worker);
        afterCommitOnly |= writtenThisTurn.contains(held.id);
        handOut(held, afterCommitOnly);
      }
      job = ready.peek(counts.horizon(), loads.heldCount(), loads::holds);
    }
    sendTimersAhead();
  }

  /** Whether timers may go to idle workers ahead of their due instant. */
  private boolean maySendAhead() {
    // On a shared store a claim is a write that must commit first; and a timer waiting in its
    // worker must not hold up a close.
    return settings.timerLeadMillis() > 0 && !store.shared() && !draining && loads.idleCount() > 0;
  }

  /**
   * Sends the timers due within the timer lead (default 5 ms) to idle workers, each to be held
   * there until its due instant, so that neither the queue's wake-up nor a commit under way makes
   * them late; called once every due job has a worker. A worker holding one gets no other job until
   * it starts (see {@link WorkerLoads#pick}).
   */
  private void sendTimersAhead() throws SQLException {
    long until = Times.plus(now, settings.timerLeadMillis());
    if (!maySendAhead() || counts.later() == 0 || counts.nextDue() > until) {
      return;
    }
    lookedAheadTo = until;
    Instant wall = clock.wallInstant();
    long wallNanos = Times.plus(Times.times(wall.getEpochSecond(), 1_000_000_000), wall.getNano());
    long nanoNow = System.nanoTime();
    List<JobRow> rows = store.loadDue(until, loads.heldCount() + loads.idleCount());
    for (JobRow row : rows) {
      Worker worker;
      if (row.dueAt() <= counts.horizon()
          || loads.holds(row.id())
          || row.attempts() >= settings.maxAttempts()) {
        continue; // due already (it has a worker, or is buried at its turn), or one to bury
      }
      if ((worker = loads.pickIdle()) == null) {
        return;
      }
      HeldJob held = HeldJob.of(row, worker);
      held.notBefore = nanoNow + Math.max(0, Times.times(row.dueAt(), 1_000_000) - wallNanos);
      handOut(held, writtenThisTurn.contains(held.id) || !askedBackThisTurn.isEmpty());
    }
  }

  /**
   * Gives {@code held} to its worker now, or, if {@code afterCommitOnly}, once this turn's commit
   * has written it (see {@link #sendWritten}), or once that commit is synced too when a worker is
   * being asked to give jobs back or the store is shared.
   */
  private void handOut(HeldJob held, boolean afterCommitOnly) {
    loads.assign(held);
    if (!afterCommitOnly) {
      send(held);
    } else if (store.shared() || !askedBackThisTurn.isEmpty()) {
      sentThisTurn.add(held);
      afterCommit.add(() -> send(held));
    } else {
      sendWhenWritten.add(held);
    }
  }

  /**
   * Sends the hand-outs that waited for this turn's commit as soon as it has written them, before
   * the sync that makes them durable: the child works while the disk syncs. The rows are in the
   * database then; only a power cut before the sync can lose them, and with them the job, whose
   * {@code add} had not returned. A failed commit sends none of them.
   */
  private void sendWritten() {
    for (HeldJob held : sendWhenWritten) {
      send(held);
    }
    sendWhenWritten.clear();
  }

  private void send(HeldJob held) {
    trace("job {} (attempt " + held.attempt + ") to worker {}: {}", held);
    held.worker.run(held.id, held.payload, held.attempt, held.notBefore);
  }

  /**
   * Asks workers to give back the jobs sent ahead to them that a higher-priority job now due should
   * run before, so read-ahead never lets a lower priority overtake a higher one.
   */
  private void takeBackOutranked(JobRow best) {
    for (HeldJob held : loads.waiting()) {
      if (held.priority < best.priority()) {
        askBack(held);
      }
    }
  }

  /**
   * Asks the worker holding {@code held} (not started) to give it back, unless that is under way.
   */
  private void askBack(HeldJob held) {
    if (!held.leaving) {
      held.leaving = true;
      askedBackThisTurn.add(held);
      afterCommit.add(() -> held.worker.cancel(held.id));
    }
  }

  /** The first, in the queue's order, of the jobs asked back from workers; null if none. */
  private HeldJob firstLeaving() {
    HeldJob first = null;
    for (HeldJob held : loads.waiting()) {
      if (held.leaving && (first == null || held.runsBefore(first))) {
        first = held;
      }
    }
    return first;
  }

  private void failAttempt(HeldJob held, Failure failure) {
    if (held.attempt >= settings.maxAttempts()) {
      pending.add(
          new PendingWrites.Write() {
            @Override
            public void apply() throws SQLException {
              bury(held.id, held.attempt, failure);
              if (held.replyTo != null) { // another coordinator awaits it
                store.sendReply(
                    held.replyTo,
                    new ReplyRow(
                        held.id,
                        true,
                        null,
                        failure.className(),
                        failure.message(),
                        failure.stack()));
              }
            }
          });
      return;
    }
    long delay = settings.backoff().delayMillis(held.attempt);
    long dueAt = Times.plus(now, delay);
    pending.add(
        () -> {
          store.retryLater(held.id, dueAt, failure.describe());
          writtenThisTurn.add(held.id);
          counts.postponed(dueAt);
        });
    log.warn(
        "{}: job {} failed attempt {} of {}, retrying in {} ms: {}",
        name,
        held.id,
        held.attempt,
        settings.maxAttempts(),
        delay,
        headline(failure));
  }

  /** Sets a job aside as dead, inside the current transaction; the news goes out after commit. */
  private void bury(long id, int attempts, Failure failure) throws SQLException {
    store.bury(id, attempts, failure.describe(), now);
    counts.buried();
    afterCommit.add(
        () -> {
          log.error(
              "{}: job {} is dead after {} attempts: {}", name, id, attempts, headline(failure));
          replies.fail(
              id,
              new JobFailedException(id, failure.className(), failure.message(), failure.stack()));
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
    callbacks.execute(() -> settings.notifyError().accept(error));
  }

  private void trace(String format, HeldJob held) {
    if (log.isTraceEnabled()) {
      callbacks.execute(
          () ->
              log.trace(
                  "{}: " + format,
                  name,
                  held.id,
                  held.worker.id(),
                  settings.describe().apply(held.payload)));
    }
  }

  /**
   * After a failed transaction: roll back, take back this turn's hand-outs that waited for the
   * commit (those sent before it run on: their jobs were durable already), keep what workers
   * reported for the next transaction, and re-read the counts.
   */
  private void recoverFromFault() {
    store.rollback();
    pending.rolledBack();
    for (HeldJob held : sentThisTurn) {
      loads.unassign(held);
    }
    for (HeldJob held : sendWhenWritten) {
      loads.unassign(held);
    }
    for (HeldJob held : askedBackThisTurn) {
      held.leaving = false; // the request never went out
    }
    faultUntil = now + FAULT_PAUSE_MILLIS;
    try {
      if (store.shared() && !sentThisTurn.isEmpty()) {
        store.release(sentThisTurn.stream().map(h -> h.id).toList()); // claimed, never sent
      }
      resync();
      store.commit();
    } catch (SQLException e) {
      log.error("{}: cannot re-read counts: {}", name, e.toString());
    }
  }

  /**
   * Whether this turn's commit may wait for a later sync: the store can commit without one, no
   * caller waits for this turn, nor for the queue to be idle if it now is, nothing it stored,
   * requeued or retried goes out, no effect waits for it, and the first commit left unsynced is
   * less than {@link #SYNC_DELAY_NANOS} old. A power cut before that sync only runs again the jobs
   * whose finish it recorded (at least once).
   */
  private boolean maySyncLater(List<Call<?>> succeeded) {
    return store.canCommitUnsynced()
        && succeeded.isEmpty()
        && writtenThisTurn.isEmpty()
        && afterCommit.isEmpty()
        && !pending.awaited()
        && (idleWaiters.isEmpty() || counts.due() > 0) // idle() completes after a sync
        && (unsyncedSince == 0 || System.nanoTime() - unsyncedSince < syncDelayNanos);
  }

  /**
   * Makes every commit so far durable. If the disk fails to, what committed stays (it is in the
   * database), but the callers of this turn are told it may not survive a power cut.
   */
  private void sync(List<Call<?>> succeeded) {
    try {
      store.sync();
      unsyncedSince = 0;
    } catch (SQLException e) {
      log.error("{}: committed, but the disk did not confirm it: {}", name, e.toString(), e);
      NightCoralException failed =
          new NightCoralException(
              "database "
                  + store.name()
                  + ": committed, but the disk failed to sync it, so it may not survive a power"
                  + " cut: "
                  + e.getMessage(),
              e);
      for (Call<?> call : succeeded) {
        call.fail(failed); // its completion after the commit then does nothing
      }
    }
  }

  /** Re-reads the counts and forgets the jobs read ahead (after something rolled back). */
  private void resync() throws SQLException {
    ready.clear();
    counts.recount(now);
    nextScheduleRun = store.nextScheduleRun();
  }

  /** What each ready worker does, as of the last turn. */
  List<WorkerInfo> workers() {
    return workerView;
  }

  private void publishStats() {
    workerView = List.copyOf(loads.snapshot());
    int running = loads.runningCount();
    // A child that died is gone from the pool before the queue hears of it; until then it still
    // counts, with the job it ran, so that running never exceeds workers.
    int workers = Math.max(poolSize.getAsInt(), loads.workerCount());
    stats =
        new Stats(
            workers,
            loads.idleCount(),
            Math.max(0, counts.due() - running),
            running,
            retired,
            died,
            counts.later(),
            counts.dead(),
            0); // spares: added by stats(), as they come and go between turns
  }

  private void finish() {
    List<Command> left = new ArrayList<>();
    synchronized (inboxLock) {
      stopped = true;
      inbox.drainTo(left);
    }
    NightCoralException closed = closedException();
    for (Command c : left) {
      if (c instanceof Call<?> call && call.claim()) {
        call.fail(closed);
      }
    }
    idleWaiters.forEach(f -> f.completeExceptionally(closed));
    if (drained != null) {
      drained.complete(null);
    }
    replies.failAll(closed);
    store.close();
    log.info("{}: closed", name);
  }
}
