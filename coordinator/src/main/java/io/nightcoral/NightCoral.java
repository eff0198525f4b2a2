package io.nightcoral;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.JobText;
import io.nightcoral.internal.NewJob;
import io.nightcoral.internal.Times;
import io.nightcoral.internal.pool.ChildCommand;
import io.nightcoral.internal.pool.FakeWorkerPool;
import io.nightcoral.internal.pool.ProcessPool;
import io.nightcoral.internal.pool.Worker;
import io.nightcoral.internal.pool.WorkerPool;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.Inserted;
import io.nightcoral.internal.store.JobQuery;
import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.ListedJob;
import io.nightcoral.internal.store.ScheduleRow;
import io.nightcoral.internal.store.StartRecords;
import io.nightcoral.internal.store.StoreReader;
import io.nightcoral.internal.store.postgres.Connector;
import io.nightcoral.internal.store.postgres.PostgresJobStore;
import io.nightcoral.internal.store.postgres.PostgresReader;
import io.nightcoral.internal.store.sqlite.OpenDatabase;
import io.nightcoral.internal.store.sqlite.SqliteReader;
import io.nightcoral.worker.JobHandler;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable work queue with persistent timers whose jobs run in a pool of child JVMs.
 *
 * <p>Jobs are stored in SQLite before {@code add} returns and deleted only when their handler has
 * finished, so every job runs at least once, across crashes and restarts. All methods are
 * thread-safe.
 *
 * @param <J> the job type: a Jackson-mappable class ({@link #builder(Class)}) or {@code String}
 *     ({@link #builderForStrings()})
 */
public final class NightCoral<J> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  /**
   * The longest a caller waits for the queue to store something; only a wedged disk gets near it.
   */
  private static final Duration STORE_WAIT = Duration.ofSeconds(60);

  private final Settings<J> settings;
  private final JobCodec<J> codec;
  private final Clock clock;
  private final String database;

  /** How log lines name this instance: its database file's name. */
  private final String name;

  private final OpenDatabase opened;
  private final JobQueue queue;
  private final Metrics metrics;
  private final Callbacks callbacks;
  private final Replies replies;
  private final StartRecords startRecords;

  /** Reads for inspection on a connection of their own (null for an in-memory database). */
  private final StoreReader reader;

  /** Reads for inspection on the queue's connection, on its thread (in-memory databases). */
  private final StoreReader memoryReader;

  private final Object lifecycle = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
  private final Thread exitHook = new Thread(this::stopWorkersAtExit, "nightcoral-exit");
  private WorkerPool pool; // guarded by lifecycle
  private boolean exitHookAdded; // guarded by lifecycle

  /** Starts a builder for jobs of {@code jobType}, stored as JSON through Jackson. */
  public static <J> NightCoralBuilder<J> builder(Class<J> jobType) {
    Objects.requireNonNull(jobType, "jobType");
    if (jobType == String.class) {
      throw new IllegalArgumentException(
          "String jobs are stored as they are: use builderForStrings()");
    }
    return new NightCoralBuilder<>(mapper -> JobCodec.json(jobType, mapper), jobType.getName());
  }

  /** Starts a builder for jobs that are strings, stored as they are. */
  public static NightCoralBuilder<String> builderForStrings() {
    return new NightCoralBuilder<>(mapper -> JobCodec.strings(), "String");
  }

  NightCoral(Settings<J> settings) {
    this.settings = settings;
    this.codec = settings.codec();
    this.clock = settings.clock();
    Connector connector =
        settings.databaseUrl() != null
            ? Connector.url(settings.databaseUrl())
            : settings.dataSource() != null ? Connector.dataSource(settings.dataSource()) : null;
    this.database = connector == null ? settings.databaseFile() : connector.name();
    this.name =
        connector != null
            ? database.substring(database.lastIndexOf('/') + 1)
            : database.equals(":memory:") ? "memory" : Path.of(database).getFileName().toString();
    JobStore store;
    try {
      if (connector == null) {
        this.opened = OpenDatabase.open(database, settings.synchronous().name());
        store = opened.store();
      } else { // PostgreSQL: the only branch that touches its classes
        this.opened = null;
        store = PostgresJobStore.open(connector);
      }
    } catch (EngineException e) {
      throw new NightCoralException(e.getMessage(), e);
    }
    try {
      this.startRecords =
          opened == null || opened.realPath() == null
              ? null
              : StartRecords.beside(opened.realPath());
      if (startRecords != null) {
        List<StartRecords.Noted> noted = startRecords.recover(store);
        store.commit();
        startRecords.clear();
        if (!noted.isEmpty()) {
          log.info(
              "{}: charged the attempts of {} jobs that started before the last stop",
              name,
              noted.size());
        }
      }
      this.reader =
          connector != null
              ? PostgresReader.open(connector)
              : opened.realPath() == null ? null : SqliteReader.open(opened.realPath());
      this.memoryReader = store.reader();
      this.callbacks = new Callbacks(log, name);
      this.replies = new Replies(callbacks, settings.replyTimeout());
      this.metrics =
          settings.meterRegistry() == null
              ? Metrics.NONE
              : new MicrometerMetrics(settings.meterRegistry(), this::stats, this::queueRunning);
      this.queue =
          new JobQueue(
              store,
              new QueueClock(clock, settings.ticker(), log, name),
              new JobQueue.Settings(
                  name,
                  settings.nodeLeaseTimeout().toMillis(),
                  settings.cacheJobs(),
                  settings.maxAttempts(),
                  new Backoff(settings.retryFirst(), settings.retryMax()),
                  settings.workerPrefetch(),
                  settings.notifyError(),
                  this::describe,
                  timerLeadMillis(settings)),
              callbacks,
              replies,
              this::poolSize,
              this::spareCount,
              metrics);
      queue.start();
    } catch (SQLException e) {
      closeUnused(store);
      throw new NightCoralException("cannot open database " + database + ": " + e, e);
    } catch (EngineException e) {
      closeUnused(store);
      throw new NightCoralException(e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeUnused(store); // the queue's thread never started, so nothing else holds the store
      throw e;
    }
    log.info("{}: NightCoral started: {}", name, settings);
  }

  /**
   * Starts {@code count} workers running {@code handlerClassName} and returns once each has run its
   * {@code setup} and is ready; if one cannot start, throws with the child's own error and leaves
   * none running. With a {@code fakeWorker}, starts {@code count} inline workers instead.
   */
  public void launch(String handlerClassName, int count) {
    Objects.requireNonNull(handlerClassName, "handlerClassName");
    if (count <= 0) {
      throw new IllegalArgumentException("count must be positive, was " + count);
    }
    synchronized (lifecycle) { // close() waits for a launch under way, then stops what it started
      checkOpen();
      if (pool != null) {
        if (!pool.stopped()) {
          throw new IllegalStateException("launch was already called");
        }
        pool.shutdown(settings.closeTimeout()); // a pool that stopped itself: start afresh
        pool = null;
        await(queue.poolRestarting());
      }
      WorkerPool created = createPool(handlerClassName);
      try {
        created.start(count);
      } catch (EngineException e) {
        throw new NightCoralException(e.getMessage(), e);
      }
      pool = created;
      if (!exitHookAdded) {
        Runtime.getRuntime().addShutdownHook(exitHook);
        exitHookAdded = true;
      }
    }
    await(queue.barrier()); // the queue has seen every worker ready, and stats() shows them
  }

  /**
   * Starts {@code count} inline workers that run jobs through the builder's {@code fakeWorker};
   * without one, use {@link #launch(String, int)}.
   */
  public void launch(int count) {
    if (settings.fakeWorker() == null) {
      throw new IllegalStateException(
          "launch(count) starts fake workers; without fakeWorker(...), name the handler class");
    }
    launch(FakeWorker.class.getName(), count);
  }

  /**
   * Whether the workers run: not launched, running, stopped by too many deaths (and why), closed.
   */
  public PoolStatus poolStatus() {
    if (closed.get()) {
      return new PoolStatus(PoolStatus.State.CLOSED, null);
    }
    WorkerPool p;
    synchronized (lifecycle) {
      p = pool;
    }
    if (p == null) {
      return new PoolStatus(PoolStatus.State.NOT_LAUNCHED, null);
    }
    return p.stopped()
        ? new PoolStatus(PoolStatus.State.STOPPED, p.stopReason())
        : new PoolStatus(PoolStatus.State.RUNNING, null);
  }

  /** Like {@link #launch(String, int)}, naming the handler by its class. */
  public void launch(Class<? extends JobHandler<?, ?>> handlerClass, int count) {
    launch(Objects.requireNonNull(handlerClass, "handlerClass").getName(), count);
  }

  private WorkerPool createPool(String handlerClassName) {
    if (settings.fakeWorker() != null) {
      FakeWorker<J> fake = settings.fakeWorker();
      return new FakeWorkerPool(
          payload -> {
            J reply = fake.handle(codec.decode(payload));
            return reply == null ? null : codec.encode(reply);
          },
          queue,
          name);
    }
    ProcessPool.Settings poolSettings =
        new ProcessPool.Settings(
            name,
            new ChildCommand(
                settings.workerJvmOptions(),
                settings.workerClasspath(),
                settings.workerCdsArchive()),
            handlerClassName,
            settings.workerConfigJson(),
            settings.pingFrequency(),
            settings.pingTimeout(),
            settings.jobTimeout(),
            settings.workerDeathThreshold(),
            settings.workerDeathDuration(),
            startRecords == null ? id -> "" : id -> startRecords.forWorker(id).toString(),
            settings.warmSpares());
    return new ProcessPool(
        poolSettings, settings.poolTimer().get(), queue, this::localHandler, metrics::ping);
  }

  /** Runs the builder's localHandler on a posted job's text: the text to store, or null. */
  private String localHandler(String payload) {
    if (settings.localHandler() == null) {
      return payload;
    }
    try {
      J kept = settings.localHandler().apply(codec.decode(payload));
      return kept == null ? null : codec.encode(kept);
    } catch (RuntimeException e) {
      log.error("{}: localHandler threw on a posted job; storing the job as posted", name, e);
      return payload;
    }
  }

  private int spareCount() {
    WorkerPool p = pool;
    return p == null ? 0 : p.spares();
  }

  private int poolSize() {
    WorkerPool p = pool;
    return p == null ? 0 : p.size();
  }

  /**
   * Stores a job to run as soon as a worker is free; returns once it is durable. If the database
   * does not answer in time or the caller is interrupted, the exception says whether the job was
   * stored: "was not stored" when it was withdrawn before the queue took it up, else "may have been
   * stored".
   */
  public QueuedJob add(J job) {
    return add(job, JobOptions.NONE);
  }

  /**
   * Stores a job with a unique key and/or a priority (see {@link JobOptions}); if an unfinished job
   * has the key, stores nothing and returns that job's handle, with {@link QueuedJob#created()}
   * false.
   */
  public QueuedJob add(J job, JobOptions options) {
    return handle(store(NewJob.now(encode(job)), options, null));
  }

  /** Stores many jobs in one transaction; returns once all are durable. */
  public List<QueuedJob> addAll(List<J> jobs) {
    return addAll(jobs, JobOptions.NONE);
  }

  /**
   * Stores many jobs in one transaction, each with {@code options}, which may set a priority but no
   * key; returns once all are durable.
   */
  public List<QueuedJob> addAll(List<J> jobs, JobOptions options) {
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(options, "options");
    if (options.key() != null) {
      throw new IllegalArgumentException(
          "addAll takes options without a key; add keyed jobs one by one");
    }
    List<NewJob> entries = new ArrayList<>(jobs.size());
    for (J job : jobs) {
      entries.add(NewJob.now(encode(job)).with(null, options.priority()));
    }
    Inserted[] ids = store(entries, null);
    List<QueuedJob> handles = new ArrayList<>(ids.length);
    for (Inserted id : ids) {
      handles.add(handle(id));
    }
    return handles;
  }

  /**
   * Stores a job whose handler's return value completes {@link QueuedQueryJob#reply()}; the reply
   * and its dependents complete on a NightCoral callback thread, never the queue's.
   */
  public QueuedQueryJob<J> addQuery(J job) {
    return addQuery(job, JobOptions.NONE);
  }

  /**
   * Like {@link #addQuery(Object)}, with a unique key and/or a priority; if an unfinished job has
   * the key, stores nothing and the reply is that job's.
   */
  public QueuedQueryJob<J> addQuery(J job, JobOptions options) {
    NewJob entry = NewJob.now(encode(job));
    CompletableFuture<String> raw = new CompletableFuture<>();
    Inserted id = store(entry, options, raw);
    CompletableFuture<J> reply = raw.thenApply(codec::decode);
    return new QueryHandle<>(id.id(), id.created(), this, reply);
  }

  /**
   * Stores a job to run once {@code delay} has passed, counted on the queue's clock; {@code
   * delete()} cancels it until then. A delay too long to count is never due.
   */
  public QueuedJob addTimer(Duration delay, J job) {
    return addTimer(delay, job, JobOptions.NONE);
  }

  /** Like {@link #addTimer(Duration, Object)}, with a unique key and/or a priority. */
  public QueuedJob addTimer(Duration delay, J job, JobOptions options) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return handle(store(NewJob.after(encode(job), Times.millis(delay)), options, null));
  }

  /**
   * Stores a job to run at (or right after) {@code expires}; a time in the past runs it at once, a
   * time beyond what epoch milliseconds can count never.
   */
  public QueuedJob addTimerAt(Instant expires, J job) {
    return addTimerAt(expires, job, JobOptions.NONE);
  }

  /** Like {@link #addTimerAt(Instant, Object)}, with a unique key and/or a priority. */
  public QueuedJob addTimerAt(Instant expires, J job, JobOptions options) {
    Objects.requireNonNull(expires, "expires");
    return handle(store(NewJob.at(encode(job), Times.epochMillis(expires)), options, null));
  }

  /**
   * Stores (or replaces) the recurring job {@code name}: each time {@code schedule} fires, {@code
   * job} is added as an ordinary job. Replacing keeps the schedule's history, and its next run if
   * the timing is unchanged, so calling this at every start is the intended use. A firing while the
   * job of the previous one has not finished is skipped and counted.
   */
  public void schedule(String name, Schedule schedule, J job) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a schedule's name must not be blank");
    }
    if (name.length() > JobOptions.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "a schedule's name may be at most " + JobOptions.MAX_KEY_LENGTH + " characters");
    }
    String payload = encode(job);
    checkOpen();
    await(queue.schedule(name, schedule, payload));
  }

  /**
   * Adds the job of the recurring job {@code name} now, as an extra firing (its next regular run
   * stays); false if there is no such schedule.
   */
  public boolean runScheduleNow(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    return await(queue.runScheduleNow(name));
  }

  /** Removes the recurring job {@code name}; false if there is none. Jobs it added stay. */
  public boolean unschedule(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    return await(queue.unschedule(name));
  }

  /**
   * A page of unfinished jobs, chosen by {@code filter}. It reads on a connection of its own, so it
   * never holds up the queue's commits (with an in-memory database it runs on the queue's thread).
   */
  public List<StoredJob<J>> jobs(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    checkOpen();
    JobQuery query =
        new JobQuery(
            filter.stateFilter() == null ? null : stateName(filter.stateFilter()),
            filter.keyFilter(),
            filter.priorityFilter(),
            filter.isNewestFirst(),
            filter.afterId(),
            filter.pageLimit(),
            clock.millis());
    List<ListedJob> rows;
    try {
      rows =
          reader != null ? reader.jobs(query) : await(queue.read(() -> memoryReader.jobs(query)));
    } catch (SQLException e) {
      throw new NightCoralException(name + ": cannot list jobs: " + e.getMessage(), e);
    }
    Set<Long> running = new HashSet<>();
    for (WorkerInfo w : queue.workers()) {
      if (w.jobId() != 0) {
        running.add(w.jobId());
      }
    }
    List<StoredJob<J>> jobs = new ArrayList<>(rows.size());
    for (ListedJob row : rows) {
      JobState state =
          row.dueAt() > query.now()
              ? row.lastError() == null ? JobState.TIMER : JobState.RETRYING
              : running.contains(row.id()) ? JobState.RUNNING : JobState.QUEUED;
      jobs.add(
          new StoredJob<>(
              row.id(),
              decodeOrNull(row.payload()),
              row.payload(),
              row.key(),
              row.priority(),
              state,
              Instant.ofEpochMilli(row.dueAt()),
              Instant.ofEpochMilli(row.createdAt()),
              row.attempts(),
              row.lastError()));
    }
    return jobs;
  }

  /**
   * The workers now: the ready ones from the queue's last turn (idle or busy, with the job they run
   * and since when), then the ones still starting.
   */
  public List<WorkerInfo> workers() {
    checkOpen();
    List<WorkerInfo> all = new ArrayList<>(queue.workers());
    WorkerPool p;
    synchronized (lifecycle) {
      p = pool;
    }
    if (p != null) {
      for (Worker w : p.starting()) {
        all.add(
            new WorkerInfo(
                w.id(),
                w.pid(),
                WorkerInfo.State.STARTING,
                0,
                null,
                0,
                Instant.ofEpochMilli(w.startedAt())));
      }
    }
    all.sort(Comparator.comparingInt(WorkerInfo::id));
    return all;
  }

  /** How the store names a state filter. */
  static String stateName(JobState state) {
    return switch (state) {
      case QUEUED, RUNNING -> "due";
      case TIMER -> "timer";
      case RETRYING -> "retrying";
    };
  }

  private J decodeOrNull(String payload) {
    try {
      return codec.decode(payload);
    } catch (RuntimeException e) {
      return null; // listed with its text
    }
  }

  /** Every recurring job, by name. */
  public List<ScheduledJob<J>> schedules() {
    checkOpen();
    List<ScheduledJob<J>> all = new ArrayList<>();
    for (ScheduleRow row : await(queue.schedules())) {
      J job;
      try {
        job = codec.decode(row.payload());
      } catch (RuntimeException e) {
        job = null; // its text no longer decodes into the job class: listed with its text
      }
      all.add(
          new ScheduledJob<>(
              row.name(),
              row.spec(),
              job,
              row.nextRun() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(row.nextRun()),
              row.lastRun() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(row.lastRun()),
              row.skipped(),
              row.payload()));
    }
    return all;
  }

  /**
   * Completes the next time no job is due or running; the future's dependents run on a NightCoral
   * callback thread.
   */
  public CompletableFuture<Void> idle() {
    checkOpen();
    return queue.idle();
  }

  /** A snapshot of workers, queue and timers. */
  public Stats stats() {
    JobQueue q = queue;
    return q == null
        ? new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0)
        : q.stats(); // null only while the constructor runs
  }

  private boolean queueRunning() {
    JobQueue q = queue;
    return q != null && q.isRunning();
  }

  /**
   * The jobs set aside after their last failed attempt, oldest first; one whose stored text no
   * longer decodes is listed with {@code job()} null, its text and the reason.
   */
  public List<DeadJob<J>> deadJobs() {
    checkOpen();
    List<DeadJob<J>> dead = new ArrayList<>();
    for (DeadRow row : await(queue.deadJobs())) {
      J job = null;
      String decodeError = null;
      try {
        job = codec.decode(row.payload());
      } catch (RuntimeException e) { // listed with its text, so it can be read, requeued or deleted
        decodeError = e.getMessage() != null ? e.getMessage() : e.toString();
      }
      dead.add(
          new DeadJob<>(
              row.id(),
              job,
              row.attempts(),
              row.lastError(),
              Instant.ofEpochMilli(row.diedAt()),
              row.payload(),
              decodeError));
    }
    return dead;
  }

  /** Queues a dead job again with a fresh attempt count; false if there is no such dead job. */
  public boolean requeueDead(long id) {
    checkOpen();
    return await(queue.requeueDead(id));
  }

  /** Deletes a dead job for good; false if there is no such dead job. */
  public boolean deleteDead(long id) {
    checkOpen();
    return await(queue.deleteDead(id));
  }

  /**
   * Stops taking jobs, takes back the jobs sent ahead to workers, lets running jobs finish (up to
   * {@code closeTimeout}), stops the workers, records their last answers, and closes the database.
   * Unfinished jobs stay stored and run at the next start. Idempotent; may be called from any
   * thread, callbacks included.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitClosed(); // another thread closes it: return once that is done
      return;
    }
    try {
      closeNow();
    } finally {
      closeDone.complete(null);
    }
  }

  private void awaitClosed() {
    try {
      closeDone.get(
          settings.closeTimeout().toMillis() + 2 * STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: another close() did not finish: {}", name, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeNow() {
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    try {
      queue.drain().get(settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "{}: jobs still running after {}; they will run again at the next start",
          name,
          settings.closeTimeout());
    } catch (ExecutionException e) {
      log.warn("{}: draining failed: {}", name, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    WorkerPool p;
    synchronized (lifecycle) { // waits for a launch under way
      p = pool;
    }
    if (p != null) {
      // the children's last answers and deaths reach the queue before it stops
      p.shutdown(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      try {
        queue.barrier().get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.warn("{}: the last answers of the workers were not recorded: {}", name, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting; the hook is running or about to
      }
    }
    boolean stopped = queue.stop(STORE_WAIT.toMillis());
    if (startRecords != null && stopped) {
      try {
        startRecords.clear(); // every start they noted is committed
      } catch (EngineException e) {
        log.warn("{}: {}", name, e.getMessage());
      }
    }
    replies.close();
    callbacks.close();
    metrics.close();
    if (reader != null) {
      reader.close();
    }
    if (stopped) {
      releaseLock();
    } else { // the database may still be open: another instance must not open it too
      log.error("{}: the database stays locked in this process, as it may still be open", name);
    }
  }

  /**
   * On an orderly JVM exit (SIGTERM) NightCoral closes as {@link #close()} does: running jobs may
   * finish within {@code closeTimeout}, and the children stop with it (a {@code kill -9} of the
   * server ends them through stdin EOF). A close() already under way elsewhere is waited for.
   */
  private void stopWorkersAtExit() {
    close();
  }

  private void releaseLock() {
    if (opened != null) {
      opened.releaseLock();
    }
  }

  /** Closes the store of a start that failed before the store was used. */
  private void closeUnused(JobStore store) {
    if (opened != null) {
      opened.close();
    } else {
      store.close();
    }
  }

  boolean delete(long id) {
    checkOpen();
    return await(queue.delete(id));
  }

  /**
   * Runs a PRAGMA on the database; tests use it to make the store fail as a full or read-only disk
   * would.
   */
  void pragmaForTest(String statement) {
    await(queue.pragma(statement));
  }

  /** Stores {@code job}, then runs {@code after} in the same call; tests make it throw. */
  void insertThenForTest(J job, Runnable after) {
    await(queue.insertThenForTest(NewJob.now(encode(job)), after));
  }

  /** Stores {@code job} in a turn whose commit then fails, as a disk error would; tests use it. */
  void addWithFailingCommitForTest(J job) {
    await(queue.insertThenForTest(NewJob.now(encode(job)), queue::failThisCommitForTest));
  }

  /** Makes the commit of this call's turn fail, as a disk error would, and throws that failure. */
  void failCommitForTest() {
    await(queue.failCommitForTest());
  }

  /** Sets how long the record of finished jobs may wait for an fsync; tests use it. */
  void syncDelayForTest(Duration delay) {
    await(queue.syncDelayForTest(delay.toNanos()));
  }

  /** Whether a commit of the queue waits for an fsync. */
  boolean syncPendingForTest() {
    return queue.syncPendingForTest();
  }

  /**
   * Runs {@code body} on the queue's thread and completes once its turn committed; tests hold the
   * queue busy with it, to see what an add does behind a busy queue.
   */
  CompletableFuture<Void> onQueueThreadForTest(Runnable body) {
    checkOpen();
    return queue.runForTest(body);
  }

  /** Wakes the queue so it reads the clock again; tests that move an injected clock call this. */
  void runDueWork() {
    await(queue.barrier());
  }

  /**
   * How long before its due instant a timer may go to an idle worker: workers wait by the system's
   * clocks, so never with a clock a test moves by hand.
   */
  private static long timerLeadMillis(Settings<?> settings) {
    return settings.clock().getClass() == Clock.systemUTC().getClass()
        ? settings.timerLead().toMillis()
        : 0;
  }

  private String encode(J job) {
    Objects.requireNonNull(job, "job");
    String payload = codec.encode(job);
    String tooLarge = JobText.tooLarge(payload); // refused before anything is stored
    if (tooLarge != null) {
      throw new IllegalArgumentException(tooLarge);
    }
    return payload;
  }

  private Inserted store(NewJob job, JobOptions options, CompletableFuture<String> reply) {
    Objects.requireNonNull(options, "options");
    return store(
        List.of(job.with(options.key(), options.priority())),
        reply == null ? null : List.of(reply))[0];
  }

  private Inserted[] store(List<NewJob> jobs, List<CompletableFuture<String>> replyFutures) {
    checkOpen();
    return awaitStored(queue.insert(jobs, replyFutures));
  }

  private QueuedJob handle(Inserted id) {
    return new JobHandle(id.id(), id.created(), this);
  }

  private String describe(String payload) {
    try {
      return settings.describeJob().apply(codec.decode(payload));
    } catch (RuntimeException e) {
      return payload;
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new NightCoralException("NightCoral on " + database + " is closed");
    }
    Throwable death = queue == null ? null : queue.death();
    if (death != null) {
      throw new NightCoralException(
          "NightCoral on " + database + " stopped: its queue thread died of " + death, death);
    }
  }

  /** Waits for an insert; on a timeout or an interrupt, says whether the jobs were stored. */
  private Inserted[] awaitStored(JobQueue.Call<Inserted[]> insert) {
    try {
      return insert.get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String why =
          e instanceof InterruptedException
              ? "interrupted while waiting for database " + database
              : "database " + database + " did not answer within " + STORE_WAIT;
      if (insert.withdraw()) {
        throw new NightCoralException(why + "; the job was not stored", e);
      }
      throw new NightCoralException(
          why + "; the job may have been stored (its outcome is unknown)", e);
    }
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (TimeoutException e) {
      throw new NightCoralException("the database did not answer within " + STORE_WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightCoralException("interrupted while waiting for the database", e);
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new NightCoralException(cause.toString(), cause);
  }

  private record JobHandle(long id, boolean created, NightCoral<?> owner) implements QueuedJob {
    @Override
    public boolean delete() {
      return owner.delete(id);
    }
  }

  private record QueryHandle<J>(
      long id, boolean created, NightCoral<?> owner, CompletableFuture<J> reply)
      implements QueuedQueryJob<J> {
    @Override
    public boolean delete() {
      return owner.delete(id);
    }
  }
}
