package io.nightcoral.bench;

import static org.jobrunr.scheduling.JobBuilder.aJob;
import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.sqlite.SqLiteStorageProvider;

/**
 * JobRunr through its public API (the fluent {@code JobRunr.configure()}, {@code
 * JobRequestScheduler}, {@code JobRequest} handlers) on its SQLite storage provider, polling every
 * 5 s: the smallest interval it accepts on a SQL store.
 */
final class JobRunrPeer implements Peer {
  /** How often the background job server looks for work; JobRunr refuses less on SQL stores. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

  private static final int WORKERS = 2;

  @Override
  public String name() {
    return "JobRunr";
  }

  @Override
  public Duration pollInterval() {
    return POLL_INTERVAL;
  }

  @Override
  public String settings() {
    return "JobRunr "
        + JobRunr.class.getPackage().getImplementationVersion()
        + ": SqLiteStorageProvider, workerCount("
        + WORKERS
        + "), pollInterval("
        + POLL_INTERVAL.toSeconds()
        + " s), JobRequest handlers, Jackson JSON mapper; HikariCP pool";
  }

  @Override
  public Engine open(Path dbFile, PeerSink sink, boolean workers) {
    HikariDataSource ds = PeerDataSource.open(dbFile, name());
    try {
      StorageProvider storage = new SqLiteStorageProvider(ds);
      JobRunrBenchHandler handler = new JobRunrBenchHandler(sink);
      JobRunrConfiguration config =
          JobRunr.configure()
              .useStorageProvider(storage)
              .useJobActivator(
                  new JobActivator() {
                    @Override
                    public <T> T activateJob(Class<T> type) {
                      return type.isInstance(handler) ? type.cast(handler) : null;
                    }
                  });
      if (workers) {
        config.useBackgroundJobServer(
            usingStandardBackgroundJobServerConfiguration()
                .andWorkerCount(WORKERS)
                .andPollInterval(POLL_INTERVAL),
            false);
      }
      JobRunrConfiguration.JobRunrConfigurationResult result = config.initialize();
      return new JobRunrEngine(
          ds, storage, result.getJobRequestScheduler(), result.getBackgroundJobServer());
    } catch (RuntimeException e) {
      JobRunr.destroy();
      ds.close();
      throw e;
    }
  }

  /** JobRunr, configured on one database. */
  private static final class JobRunrEngine implements Engine {
    private final HikariDataSource ds;
    private final StorageProvider storage;
    private final JobRequestScheduler scheduler;
    private final BackgroundJobServer server;

    JobRunrEngine(
        HikariDataSource ds,
        StorageProvider storage,
        JobRequestScheduler scheduler,
        BackgroundJobServer server) {
      this.ds = ds;
      this.storage = storage;
      this.scheduler = scheduler;
      this.server = server;
    }

    @Override
    public void addNoops(int count) {
      scheduler.enqueue(
          Stream.generate(() -> new JobRunrBenchRequest(JobRunrBenchRequest.NOOP, 0)).limit(count));
    }

    @Override
    public void addNoop() {
      scheduler.enqueue(new JobRunrBenchRequest(JobRunrBenchRequest.NOOP, 0));
    }

    @Override
    public void addProbe(long addedNanos) {
      scheduler.enqueue(new JobRunrBenchRequest(JobRunrBenchRequest.PROBE, addedNanos));
    }

    @Override
    public void addTimers(long[] dueMillis) {
      scheduler.create(
          Arrays.stream(dueMillis)
              .mapToObj(
                  due ->
                      aJob()
                          .scheduleAt(Instant.ofEpochMilli(due))
                          .withJobRequest(
                              new JobRunrBenchRequest(JobRunrBenchRequest.TIMER, due))));
    }

    @Override
    public void addPending(int count, long dueMillis) {
      Instant due = Instant.ofEpochMilli(dueMillis);
      scheduler.create(
          Stream.generate(
                  () ->
                      aJob()
                          .scheduleAt(due)
                          .withJobRequest(new JobRunrBenchRequest(JobRunrBenchRequest.PENDING, 0)))
              .limit(count));
    }

    @Override
    public void start() {
      if (server == null) {
        throw new IllegalStateException("opened without workers");
      }
      server.start();
    }

    @Override
    public long noopsDone() {
      return storage.countJobs(StateName.SUCCEEDED);
    }

    @Override
    public void close() {
      try {
        JobRunr.destroy();
      } finally {
        ds.close();
      }
    }
  }
}
