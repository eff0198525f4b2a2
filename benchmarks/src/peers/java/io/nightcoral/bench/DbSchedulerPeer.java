package io.nightcoral.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.TaskSummary;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler through its public API ({@code Scheduler}, {@code SchedulerClient}, one-time tasks)
 * on SQLite, with its fastest reasonable polling: every millisecond, plus immediate execution (the
 * scheduler is woken when a job due now is scheduled through it).
 */
final class DbSchedulerPeer implements Peer {
  /** How often the scheduler looks for due executions. */
  static final Duration POLLING_INTERVAL = Duration.ofMillis(1);

  private static final int THREADS = 2;
  private static final String POM_PROPERTIES =
      "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties";
  private static final int BATCH = 1_000;
  private static final Duration SHUTDOWN_MAX_WAIT = Duration.ofSeconds(10);

  /**
   * db-scheduler's published SQLite table (the DDL its README links for SQLite, {@code
   * db-scheduler/src/test/resources/sqlite_tables.sql}); the jar ships no schema.
   */
  private static final List<String> SCHEMA =
      List.of(
          """
          create table scheduled_tasks (
              task_name varchar(100),
              task_instance varchar(100),
              task_data blob,
              execution_time TIMESTAMP,
              picked BIT,
              picked_by varchar(50),
              last_success TIMESTAMP,
              last_failure TIMESTAMP,
              consecutive_failures INT,
              last_heartbeat TIMESTAMP,
              version BIGINT,
              priority SMALLINT,
              PRIMARY KEY (task_name, task_instance)
          )""",
          "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
          "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
          "CREATE INDEX priority_execution_time_idx"
              + " on scheduled_tasks (priority desc, execution_time asc)");

  @Override
  public String name() {
    return "db-scheduler";
  }

  @Override
  public Duration pollInterval() {
    return POLLING_INTERVAL;
  }

  @Override
  public String settings() {
    return "db-scheduler "
        + version()
        + ": threads("
        + THREADS
        + "), pollingInterval("
        + POLLING_INTERVAL.toMillis()
        + " ms), enableImmediateExecution(), default 'fetch' polling strategy, the SQLite"
        + " customization it detects; HikariCP pool";
  }

  /** The version in the jar's Maven metadata (its manifest names none). */
  private static String version() {
    Properties pom = new Properties();
    try (InputStream in = Scheduler.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        pom.load(in);
      }
    } catch (IOException e) {
      return "(version unreadable: " + e + ")";
    }
    return pom.getProperty("version", "(version unknown)");
  }

  @Override
  public Engine open(Path dbFile, PeerSink sink, boolean workers) throws Exception {
    HikariDataSource ds = PeerDataSource.open(dbFile, name());
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      for (String sql : SCHEMA) {
        st.executeUpdate(sql);
      }
    } catch (Exception e) {
      ds.close();
      throw e;
    }
    OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> sink.noop());
    OneTimeTask<Void> pending = Tasks.oneTime("pending").execute((instance, context) -> {});
    OneTimeTask<Long> probe =
        Tasks.oneTime("probe", Long.class)
            .execute((instance, context) -> sink.probe(instance.getData(), System.nanoTime()));
    OneTimeTask<Long> timer =
        Tasks.oneTime("timer", Long.class)
            .execute((instance, context) -> sink.fired(instance.getData(), Instant.now()));
    List<Task<?>> tasks = List.of(noop, pending, probe, timer);
    Scheduler scheduler =
        workers
            ? Scheduler.create(ds, tasks)
                .threads(THREADS)
                .pollingInterval(POLLING_INTERVAL)
                .enableImmediateExecution()
                .shutdownMaxWait(SHUTDOWN_MAX_WAIT)
                .build()
            : null;
    SchedulerClient client =
        scheduler != null ? scheduler : SchedulerClient.Builder.create(ds, tasks).build();
    return new DbSchedulerEngine(ds, scheduler, client, noop, pending, probe, timer);
  }

  /** One scheduler (or client) on one database. */
  private static final class DbSchedulerEngine implements Engine {
    private final HikariDataSource ds;
    private final Scheduler scheduler;
    private final SchedulerClient client;
    private final OneTimeTask<Void> noop;
    private final OneTimeTask<Void> pending;
    private final OneTimeTask<Long> probe;
    private final OneTimeTask<Long> timer;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong noopsAdded = new AtomicLong();
    private boolean started;

    DbSchedulerEngine(
        HikariDataSource ds,
        Scheduler scheduler,
        SchedulerClient client,
        OneTimeTask<Void> noop,
        OneTimeTask<Void> pending,
        OneTimeTask<Long> probe,
        OneTimeTask<Long> timer) {
      this.ds = ds;
      this.scheduler = scheduler;
      this.client = client;
      this.noop = noop;
      this.pending = pending;
      this.probe = probe;
      this.timer = timer;
    }

    private String id() {
      return Long.toString(ids.incrementAndGet());
    }

    @Override
    public void addNoops(int count) {
      addBatches(noop, count, Instant.now());
      noopsAdded.addAndGet(count);
    }

    @Override
    public void addNoop() {
      client.scheduleIfNotExists(noop.instance(id()), Instant.now());
      noopsAdded.incrementAndGet();
    }

    @Override
    public void addProbe(long addedNanos) {
      client.scheduleIfNotExists(probe.instance(id(), addedNanos), Instant.now());
    }

    @Override
    public void addTimers(long[] dueMillis) {
      List<SchedulableInstance<?>> batch = new ArrayList<>();
      for (long due : dueMillis) {
        batch.add(SchedulableInstance.of(timer.instance(id(), due), Instant.ofEpochMilli(due)));
      }
      client.scheduleBatch(batch);
    }

    @Override
    public void addPending(int count, long dueMillis) {
      addBatches(pending, count, Instant.ofEpochMilli(dueMillis));
    }

    private void addBatches(OneTimeTask<Void> task, int count, Instant due) {
      for (int done = 0; done < count; ) {
        int n = Math.min(BATCH, count - done);
        List<TaskInstance<?>> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          batch.add(task.instance(id()));
        }
        client.scheduleBatch(batch, due);
        done += n;
      }
    }

    @Override
    public void start() {
      if (scheduler == null) {
        throw new IllegalStateException("opened without workers");
      }
      scheduler.start();
      started = true;
    }

    @Override
    public long noopsDone() {
      long left =
          client.getScheduledExecutionsSummaryByTask().stream()
              .filter(s -> s.taskName().equals(noop.getName()))
              .mapToLong(TaskSummary::instanceCount)
              .sum();
      return noopsAdded.get() - left;
    }

    @Override
    public void close() {
      try {
        if (started) {
          scheduler.stop();
        }
      } finally {
        ds.close();
      }
    }
  }
}
