package io.nightcoral;

import io.nightcoral.internal.pool.ChildCommand;
import io.nightcoral.internal.pool.FakeWorkerPool;
import io.nightcoral.internal.pool.ProcessPool;
import io.nightcoral.internal.pool.WorkerPool;
import io.nightcoral.internal.store.DatabaseLock;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.NewJob;
import io.nightcoral.protocol.Frames;
import io.nightcoral.worker.JobHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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

  private final NightCoralBuilder<J> config;
  private final JobCodec<J> codec;
  private final Clock clock;
  private final String database;
  private final DatabaseLock lock;
  private final JobQueue queue;
  private final Metrics metrics;
  private final ScheduledThreadPoolExecutor timeouts;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread exitHook = new Thread(this::stopWorkersAtExit, "nightcoral-exit");
  private WorkerPool pool;

  /** Starts a builder for jobs of {@code jobType}, stored as JSON through Jackson. */
  public static <J> NightCoralBuilder<J> builder(Class<J> jobType) {
    Objects.requireNonNull(jobType, "jobType");
    if (jobType == String.class) {
      throw new IllegalArgumentException(
          "String jobs are stored as they are: use builderForStrings()");
    }
    return new NightCoralBuilder<>(JobCodec.json(jobType), jobType.getName());
  }

  /** Starts a builder for jobs that are strings, stored as they are. */
  public static NightCoralBuilder<String> builderForStrings() {
    return new NightCoralBuilder<>(JobCodec.strings(), "String");
  }

  NightCoral(NightCoralBuilder<J> config) {
    this.config = config;
    this.codec = config.codec;
    this.clock = config.clock;
    this.database = config.databaseFile;
    this.lock =
        database.equals(":memory:") ? null : DatabaseLock.acquire(prepareFolder(Path.of(database)));
    JobStore store;
    try {
      store = JobStore.open(database, config.synchronous);
    } catch (RuntimeException e) {
      releaseLock();
      throw e;
    }
    this.metrics =
        config.meterRegistry == null
            ? Metrics.NONE
            : new MicrometerMetrics(config.meterRegistry, this::stats, this::queueRunning);
    this.queue =
        new JobQueue(
            store,
            clock,
            config.cacheJobs,
            config.maxAttempts,
            new Backoff(config.retryFirst, config.retryMax),
            config.notifyError,
            this::describe,
            this::poolSize,
            metrics,
            config.workerPrefetch);
    this.timeouts =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "nightcoral-timeouts");
              t.setDaemon(true);
              return t;
            });
    timeouts.setRemoveOnCancelPolicy(true);
    queue.start();
    log.info("NightCoral started: {}", config);
  }

  private static Path prepareFolder(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("databaseFile " + file + " is a folder, not a file");
    }
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new NightCoralException("cannot create the folder of database " + file + ": " + e, e);
    }
    return file;
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
    checkOpen();
    synchronized (this) {
      if (pool != null) {
        throw new IllegalStateException("launch was already called");
      }
      WorkerPool created = createPool(handlerClassName);
      created.start(count);
      pool = created;
      Runtime.getRuntime().addShutdownHook(exitHook);
    }
    await(queue.barrier()); // the queue has seen every worker ready, and stats() shows them
  }

  /** Like {@link #launch(String, int)}, naming the handler by its class. */
  public void launch(Class<? extends JobHandler<?, ?>> handlerClass, int count) {
    launch(Objects.requireNonNull(handlerClass, "handlerClass").getName(), count);
  }

  private WorkerPool createPool(String handlerClassName) {
    if (config.fakeWorker != null) {
      FakeWorker<J> fake = config.fakeWorker;
      return new FakeWorkerPool(
          payload -> {
            J reply = fake.handle(codec.decode(payload));
            return reply == null ? null : codec.encode(reply);
          },
          queue);
    }
    ProcessPool.Settings settings =
        new ProcessPool.Settings(
            new ChildCommand(config.workerJvmOptions, config.workerClasspath),
            handlerClassName,
            config.workerConfigJson,
            config.pingFrequency,
            config.pingTimeout,
            config.jobTimeout,
            config.workerDeathThreshold,
            config.workerDeathDuration);
    return new ProcessPool(settings, queue, clock, this::localHandler, metrics::ping);
  }

  /** Runs the builder's localHandler on a posted job's text: the text to store, or null. */
  private String localHandler(String payload) {
    if (config.localHandler == null) {
      return payload;
    }
    try {
      J kept = config.localHandler.apply(codec.decode(payload));
      return kept == null ? null : codec.encode(kept);
    } catch (RuntimeException e) {
      log.error("localHandler threw on a posted job; storing the job as posted", e);
      return payload;
    }
  }

  private int poolSize() {
    WorkerPool p = pool;
    return p == null ? 0 : p.size();
  }

  /** Stores a job to run as soon as a worker is free; returns once it is durable. */
  public QueuedJob add(J job) {
    return handle(store(List.of(entry(job, NewJob.NOW)), null)[0]);
  }

  /** Stores many jobs in one transaction; returns once all are durable. */
  public List<QueuedJob> addAll(List<J> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    List<NewJob> entries = new ArrayList<>(jobs.size());
    for (J job : jobs) {
      entries.add(entry(job, NewJob.NOW));
    }
    long[] ids = store(entries, null);
    List<QueuedJob> handles = new ArrayList<>(ids.length);
    for (long id : ids) {
      handles.add(handle(id));
    }
    return handles;
  }

  /** Stores a job whose handler's return value completes {@link QueuedQueryJob#reply()}. */
  public QueuedQueryJob<J> addQuery(J job) {
    NewJob entry = entry(job, NewJob.NOW);
    CompletableFuture<String> raw = new CompletableFuture<>();
    long id = store(List.of(entry), List.of(raw))[0];
    Duration limit = config.replyTimeout;
    ScheduledFuture<?> timeout =
        timeouts.schedule(
            () ->
                raw.completeExceptionally(
                    new TimeoutException("no reply for job " + id + " within " + limit)),
            limit.toNanos(),
            TimeUnit.NANOSECONDS);
    raw.whenComplete((r, t) -> timeout.cancel(false));
    CompletableFuture<J> reply = raw.thenApply(codec::decode);
    return new QueryHandle<>(id, this, reply);
  }

  /** Stores a job to run once {@code delay} has passed; {@code delete()} cancels it until then. */
  public QueuedJob addTimer(Duration delay, J job) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return handle(
        store(List.of(entry(job, Math.addExact(clock.millis(), delay.toMillis()))), null)[0]);
  }

  /**
   * Stores a job to run at (or right after) {@code expires}; a time in the past runs it at once.
   */
  public QueuedJob addTimerAt(Instant expires, J job) {
    Objects.requireNonNull(expires, "expires");
    return handle(store(List.of(entry(job, expires.toEpochMilli())), null)[0]);
  }

  /** Completes the next time no job is due or running. */
  public CompletableFuture<Void> idle() {
    checkOpen();
    return queue.idle();
  }

  /** A snapshot of workers, queue and timers. */
  public Stats stats() {
    JobQueue q = queue;
    return q == null
        ? new Stats(0, 0, 0, 0, 0, 0, 0, 0)
        : q.stats(); // null only while the constructor runs
  }

  private boolean queueRunning() {
    JobQueue q = queue;
    return q != null && q.isRunning();
  }

  /** The jobs set aside after their last failed attempt, oldest first. */
  public List<DeadJob<J>> deadJobs() {
    checkOpen();
    List<DeadJob<J>> dead = new ArrayList<>();
    for (DeadRow row : await(queue.deadJobs())) {
      dead.add(
          new DeadJob<>(
              row.id(),
              codec.decode(row.payload()),
              row.attempts(),
              row.lastError(),
              Instant.ofEpochMilli(row.diedAt())));
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
   * Stops taking jobs, lets running jobs finish (up to {@code closeTimeout}), stops the workers and
   * closes the database. Unfinished jobs stay stored and run at the next start. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long graceNanos = config.closeTimeout.toNanos();
    try {
      queue.drain().get(graceNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "database {}: jobs still running after {}; they will run again at the next start",
          database,
          config.closeTimeout);
    } catch (ExecutionException e) {
      log.warn("database {}: draining failed: {}", database, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    WorkerPool p;
    synchronized (this) {
      p = pool;
    }
    if (p != null) {
      p.shutdown(config.closeTimeout);
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting; the hook is running or about to
      }
    }
    queue.stop(STORE_WAIT.toMillis());
    timeouts.shutdownNow();
    releaseLock();
  }

  /**
   * On an orderly JVM exit the children stop with it (a {@code kill -9} ends them through stdin
   * EOF).
   */
  private void stopWorkersAtExit() {
    WorkerPool p = pool;
    if (p != null && !closed.get()) {
      p.shutdown(Duration.ofSeconds(1));
    }
  }

  private void releaseLock() {
    if (lock != null) {
      lock.close();
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

  /** Wakes the queue so it reads the clock again; tests that move an injected clock call this. */
  void runDueWork() {
    await(queue.barrier());
  }

  /** Room in a job's frame for everything but its text: the job id and the message around it. */
  private static final int FRAME_OVERHEAD_BYTES = 1024;

  /** The most UTF-8 bytes of job text that fit in one frame to a worker. */
  private static final int MAX_JOB_BYTES = Frames.MAX_BODY_BYTES - FRAME_OVERHEAD_BYTES;

  private NewJob entry(J job, long dueAt) {
    Objects.requireNonNull(job, "job");
    String payload = codec.encode(job);
    checkFitsInAFrame(payload);
    return new NewJob(payload, dueAt);
  }

  /** Refuses, before anything is stored, a job too large to ever be sent to a worker. */
  private static void checkFitsInAFrame(String payload) {
    if ((long) payload.length() * 3 <= MAX_JOB_BYTES) {
      return; // no character takes more than 3 bytes in UTF-8 (a surrogate pair: 4 for 2)
    }
    long bytes = 0;
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    if (bytes > MAX_JOB_BYTES) {
      throw new IllegalArgumentException(
          "the job is "
              + bytes
              + " bytes of UTF-8 text, but a job sent to a worker may be at most "
              + MAX_JOB_BYTES
              + " (a frame to a worker holds at most "
              + Frames.MAX_BODY_BYTES
              + " bytes)");
    }
  }

  private long[] store(List<NewJob> jobs, List<CompletableFuture<String>> replies) {
    checkOpen();
    return await(queue.insert(jobs, replies));
  }

  private QueuedJob handle(long id) {
    return new JobHandle(id, this);
  }

  private String describe(String payload) {
    try {
      return config.describeJob.apply(codec.decode(payload));
    } catch (RuntimeException e) {
      return payload;
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new NightCoralException("NightCoral on " + database + " is closed");
    }
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new NightCoralException(cause.toString(), cause);
    } catch (TimeoutException e) {
      throw new NightCoralException("the database did not answer within " + STORE_WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NightCoralException("interrupted while waiting for the database", e);
    }
  }

  private record JobHandle(long id, NightCoral<?> owner) implements QueuedJob {
    @Override
    public boolean delete() {
      return owner.delete(id);
    }
  }

  private record QueryHandle<J>(long id, NightCoral<?> owner, CompletableFuture<J> reply)
      implements QueuedQueryJob<J> {
    @Override
    public boolean delete() {
      return owner.delete(id);
    }
  }
}
