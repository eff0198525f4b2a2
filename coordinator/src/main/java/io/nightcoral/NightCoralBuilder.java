package io.nightcoral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.internal.pool.ChildCommand;
import io.nightcoral.internal.pool.PoolTimer;
import io.nightcoral.internal.pool.PoolTimerThread;
import io.nightcoral.worker.JobMappers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Configures a {@link NightCoral}; every option has a default except {@link #databaseFile}. A bad
 * value fails at once with a message naming the option. Not thread-safe.
 *
 * @param <J> the job type
 */
public final class NightCoralBuilder<J> {
  /** The longest any duration option may be: a year. */
  public static final Duration LONGEST_DURATION = Duration.ofDays(365);

  /** Default for {@link #cacheJobs}. */
  public static final int DEFAULT_CACHE_JOBS = 50;

  /** Default for {@link #pingFrequency}. */
  public static final Duration DEFAULT_PING_FREQUENCY = Duration.ofSeconds(60);

  /** Default for {@link #pingTimeout}. */
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(30);

  /** Default for {@link #replyTimeout}. */
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(30);

  /** Default for {@link #workerDeathThreshold}. */
  public static final int DEFAULT_WORKER_DEATH_THRESHOLD = 10;

  /** Default for {@link #workerDeathDuration}. */
  public static final Duration DEFAULT_WORKER_DEATH_DURATION = Duration.ofSeconds(15);

  /** Default for {@link #maxAttempts}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Default first delay of {@link #retryBackoff}. */
  public static final Duration DEFAULT_RETRY_FIRST = Duration.ofSeconds(1);

  /** Default longest delay of {@link #retryBackoff}. */
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofHours(1);

  /** Default for {@link #workerPrefetch}. */
  public static final int DEFAULT_WORKER_PREFETCH = 64;

  /** Default for {@link #warmSpares}. */
  public static final int DEFAULT_WARM_SPARES = 1;

  /** Default for {@link #nodeLeaseTimeout}. */
  public static final Duration DEFAULT_NODE_LEASE_TIMEOUT = Duration.ofSeconds(30);

  /** Default for {@link #timerLead}. */
  static final Duration DEFAULT_TIMER_LEAD = Duration.ofMillis(5);

  /** Default for {@link #closeTimeout}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Default for {@link #workerJvmOptions}: small-footprint flags for each child. A small heap, one
   * C1 compiler thread and no C2; and the class-data archives mapped where they were built ({@code
   * ArchiveRelocationMode=0}, a diagnostic flag): JDK 17 relocates them by default, which writes
   * every page and so gives each child a private copy (about 10 MB) of pages it could share.
   */
  public static final List<String> DEFAULT_WORKER_JVM_OPTIONS =
      List.of(
          "-Xms8m",
          "-Xmx64m",
          "-Xss512k",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:-UsePerfData",
          "-XX:+UnlockDiagnosticVMOptions",
          "-XX:ArchiveRelocationMode=0");

  private final Function<ObjectMapper, JobCodec<J>> codecs;
  private final String jobTypeName;
  private String databaseFile;
  private String databaseUrl;
  private DataSource dataSource;
  private ObjectMapper objectMapper = JobMappers.defaultMapper();
  private Object workerConfig;
  private int cacheJobs = DEFAULT_CACHE_JOBS;
  private Consumer<WorkerPoolError> notifyError = e -> {};
  private Function<J, String> describeJob;
  private Duration pingFrequency = DEFAULT_PING_FREQUENCY;
  private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
  private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
  private int workerDeathThreshold = DEFAULT_WORKER_DEATH_THRESHOLD;
  private Duration workerDeathDuration = DEFAULT_WORKER_DEATH_DURATION;
  private FakeWorker<J> fakeWorker;
  private Function<J, J> localHandler;
  private final List<Path> workerClasspath = new ArrayList<>();
  private List<String> workerJvmOptions = DEFAULT_WORKER_JVM_OPTIONS;
  private Path workerCdsArchive = ChildCommand.defaultArchiveFolder();
  private Duration jobTimeout;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private Duration retryFirst = DEFAULT_RETRY_FIRST;
  private Duration retryMax = DEFAULT_RETRY_MAX;
  private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
  private Clock clock = Clock.systemUTC();
  private LongSupplier ticker = System::nanoTime;
  private Supplier<PoolTimer> poolTimer = PoolTimerThread::new;
  private Duration timerLead = DEFAULT_TIMER_LEAD;
  private Synchronous synchronous = Synchronous.FULL;
  private Object meterRegistry;
  private int workerPrefetch = DEFAULT_WORKER_PREFETCH;
  private Duration nodeLeaseTimeout = DEFAULT_NODE_LEASE_TIMEOUT;
  private int warmSpares = DEFAULT_WARM_SPARES;

  NightCoralBuilder(Function<ObjectMapper, JobCodec<J>> codecs, String jobTypeName) {
    this.codecs = codecs;
    this.jobTypeName = jobTypeName;
    this.describeJob = null; // the job's stored text, by the codec build() makes
  }

  /**
   * The SQLite file for jobs and timers (created with its folder if needed); {@code ":memory:"}
   * keeps nothing.
   */
  public NightCoralBuilder<J> databaseFile(String file) {
    Objects.requireNonNull(file, "databaseFile");
    if (file.isBlank()) {
      throw new IllegalArgumentException("databaseFile must not be blank");
    }
    onlyOneDatabase("databaseFile", databaseUrl == null && dataSource == null);
    this.databaseFile = file;
    return this;
  }

  /**
   * Stores jobs in PostgreSQL at {@code url} ({@code jdbc:postgresql://host:port/database}, user
   * and password as its parameters), which other coordinators may share; needs the PostgreSQL JDBC
   * driver on the class path. Instead of {@link #databaseFile} or {@link #dataSource}.
   */
  public NightCoralBuilder<J> databaseUrl(String url) {
    Objects.requireNonNull(url, "databaseUrl");
    if (!url.startsWith("jdbc:postgresql:")) {
      int query = url.indexOf('?');
      throw new IllegalArgumentException(
          "databaseUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), was "
              + (query < 0 ? url : url.substring(0, query)));
    }
    onlyOneDatabase("databaseUrl", databaseFile == null && dataSource == null);
    this.databaseUrl = url;
    return this;
  }

  /**
   * Stores jobs in the PostgreSQL database behind {@code dataSource} (the coordinator holds three
   * of its connections), which other coordinators may share. Instead of {@link #databaseFile} or
   * {@link #databaseUrl}.
   */
  public NightCoralBuilder<J> dataSource(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    onlyOneDatabase("dataSource", databaseFile == null && databaseUrl == null);
    this.dataSource = dataSource;
    return this;
  }

  private static void onlyOneDatabase(String option, boolean noOther) {
    if (!noOther) {
      throw new IllegalStateException(
          option
              + ": databaseFile, databaseUrl and dataSource are alternatives; this builder already"
              + " has one of the others");
    }
  }

  /** The SQLite file for jobs and timers (created with its folder if needed). */
  public NightCoralBuilder<J> databaseFile(Path file) {
    return databaseFile(Objects.requireNonNull(file, "databaseFile").toString());
  }

  /**
   * An object sent as JSON (written by {@link #objectMapper}) to each child's {@code setup}; null
   * for none.
   */
  public NightCoralBuilder<J> workerConfig(Object config) {
    configJson(objectMapper, config); // fails now, naming the option, if it cannot be written
    this.workerConfig = config;
    return this;
  }

  /**
   * The Jackson mapper that writes and reads jobs, replies and {@link #workerConfig} on this side
   * (default {@link JobMappers#defaultMapper()}: JDK time types as ISO-8601 text, unknown
   * properties ignored). The children read jobs with their handler's {@code
   * JobHandler.objectMapper()}, so keep the two compatible. String jobs pass as they are.
   */
  public NightCoralBuilder<J> objectMapper(ObjectMapper mapper) {
    this.objectMapper = Objects.requireNonNull(mapper, "objectMapper");
    return this;
  }

  private static String configJson(ObjectMapper mapper, Object config) {
    try {
      return mapper.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "workerConfig cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reports the {@code nightcoral.*} meters to a Micrometer registry (Micrometer is optional:
   * without this call NightCoral never loads it).
   */
  public NightCoralBuilder<J> metrics(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meterRegistry = Objects.requireNonNull(registry, "metrics");
    return this;
  }

  /** How many due jobs the queue reads from the database at a time (default 50). */
  public NightCoralBuilder<J> cacheJobs(int jobs) {
    this.cacheJobs = positive(jobs, "cacheJobs");
    return this;
  }

  /**
   * Called (on a NightCoral thread) when a worker dies or is killed, a job goes dead, or the pool
   * stops.
   */
  public NightCoralBuilder<J> notifyError(Consumer<WorkerPoolError> callback) {
    this.notifyError = Objects.requireNonNull(callback, "notifyError");
    return this;
  }

  /** How a job is written in trace logs (default: its stored text). */
  public NightCoralBuilder<J> describeJob(Function<J, String> describe) {
    this.describeJob = Objects.requireNonNull(describe, "describeJob");
    return this;
  }

  /** How often each child is pinged (default 60 s). */
  public NightCoralBuilder<J> pingFrequency(Duration frequency) {
    this.pingFrequency = positive(frequency, "pingFrequency");
    return this;
  }

  /** How long a child may take to answer a ping before it is killed (default 30 s). */
  public NightCoralBuilder<J> pingTimeout(Duration timeout) {
    this.pingTimeout = positive(timeout, "pingTimeout");
    return this;
  }

  /**
   * How long {@link QueuedQueryJob#reply()} waits before failing (default 30 s); the job is not
   * cancelled.
   */
  public NightCoralBuilder<J> replyTimeout(Duration timeout) {
    this.replyTimeout = positive(timeout, "replyTimeout");
    return this;
  }

  /** How many worker deaths within {@link #workerDeathDuration} stop the pool (default 10). */
  public NightCoralBuilder<J> workerDeathThreshold(int deaths) {
    this.workerDeathThreshold = positive(deaths, "workerDeathThreshold");
    return this;
  }

  /** The window for {@link #workerDeathThreshold} (default 15 s). */
  public NightCoralBuilder<J> workerDeathDuration(Duration window) {
    this.workerDeathDuration = positive(window, "workerDeathDuration");
    return this;
  }

  /** Runs jobs inline through {@code worker} instead of in child processes (for tests). */
  public NightCoralBuilder<J> fakeWorker(FakeWorker<J> worker) {
    this.fakeWorker = Objects.requireNonNull(worker, "fakeWorker");
    return this;
  }

  /** Sees each job a handler posts; returns the job to queue, or null if it handled it here. */
  public NightCoralBuilder<J> localHandler(Function<J, J> handler) {
    this.localHandler = Objects.requireNonNull(handler, "localHandler");
    return this;
  }

  /**
   * Extra class-path entries for the children, such as the handler jar (added to the server's own).
   */
  public NightCoralBuilder<J> workerClasspath(Path... entries) {
    for (Path entry : Objects.requireNonNull(entries, "workerClasspath")) {
      workerClasspath.add(Objects.requireNonNull(entry, "workerClasspath entry"));
    }
    return this;
  }

  /** The JVM options of each child, replacing {@link #DEFAULT_WORKER_JVM_OPTIONS}. */
  public NightCoralBuilder<J> workerJvmOptions(List<String> options) {
    Objects.requireNonNull(options, "workerJvmOptions");
    options.forEach(o -> Objects.requireNonNull(o, "workerJvmOptions entry"));
    this.workerJvmOptions = List.copyOf(options);
    return this;
  }

  /**
   * The folder for the children's class-data archive, which cuts their start-up by about a third;
   * null turns the archive off. The default, {@code ${java.io.tmpdir}/nightcoral-<user.name>/cds},
   * is kept per user and rebuilt after the temporary folder is cleared. Missing folders are created
   * {@code 0700}. Children map files from it, so it must be a real directory (not a link) of the
   * server's user that no other user can write, inside folders no other user can change; otherwise
   * children start without the archive and one WARN says why.
   */
  public NightCoralBuilder<J> workerCdsArchive(Path folder) {
    this.workerCdsArchive = folder == null ? null : folder.toAbsolutePath();
    return this;
  }

  /**
   * A job running longer than this has its child killed, and the attempt fails (default: no limit).
   */
  public NightCoralBuilder<J> jobTimeout(Duration timeout) {
    this.jobTimeout = positive(timeout, "jobTimeout");
    return this;
  }

  /**
   * Failed attempts before a job is set aside as dead (default 3; 1 retires on the first error).
   */
  public NightCoralBuilder<J> maxAttempts(int attempts) {
    this.maxAttempts = positive(attempts, "maxAttempts");
    return this;
  }

  /**
   * The delay before a failed job runs again: {@code first}, doubling up to {@code max}, with
   * jitter.
   */
  public NightCoralBuilder<J> retryBackoff(Duration first, Duration max) {
    positive(first, "retryBackoff first");
    positive(max, "retryBackoff max");
    if (max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "retryBackoff max (" + max + ") is shorter than first (" + first + ")");
    }
    this.retryFirst = first;
    this.retryMax = max;
    return this;
  }

  /**
   * How durable each commit is (default {@link Synchronous#FULL}, which survives a power cut;
   * {@link Synchronous#NORMAL} survives a crash of the process but may lose the last commits in a
   * power cut).
   */
  public NightCoralBuilder<J> synchronous(Synchronous mode) {
    this.synchronous = Objects.requireNonNull(mode, "synchronous");
    return this;
  }

  /**
   * The most jobs a worker may hold at once when jobs are waiting (default 64): the one it runs and
   * the next ones, so it never waits for the coordinator between jobs. Within that bound it holds
   * about 2 ms of work, judged from recent handlers, so long jobs go one at a time. Idle workers
   * get jobs first; 1 always sends one job at a time. A job sent ahead still counts as queued, and
   * {@code delete()} takes it back from the worker if its handler has not started.
   */
  public NightCoralBuilder<J> workerPrefetch(int jobs) {
    this.workerPrefetch = positive(jobs, "workerPrefetch");
    return this;
  }

  /**
   * How many children to keep started and set up beside the workers, taking no jobs, so that one
   * takes a dead worker's place at once (default 1; 0 for none). A spare counts only in {@link
   * Stats#spares()}; a new one starts behind each spare promoted.
   */
  public NightCoralBuilder<J> warmSpares(int spares) {
    if (spares < 0 || spares > 16) {
      throw new IllegalArgumentException("warmSpares must be 0 to 16, was " + spares);
    }
    this.warmSpares = spares;
    return this;
  }

  /**
   * On a database several coordinators share (PostgreSQL): how long a coordinator may go without
   * renewing its lease before the others take back the jobs it held (default 30 s, at least 10 s).
   * A single SQLite coordinator has no lease.
   */
  public NightCoralBuilder<J> nodeLeaseTimeout(Duration timeout) {
    positive(timeout, "nodeLeaseTimeout");
    if (timeout.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException(
          "nodeLeaseTimeout must be at least 10 s (the lease is renewed every 5 s), was "
              + timeout);
    }
    this.nodeLeaseTimeout = timeout;
    return this;
  }

  /** How long {@link NightCoral#close()} lets running jobs finish (default 10 s). */
  public NightCoralBuilder<J> closeTimeout(Duration timeout) {
    this.closeTimeout = positive(timeout, "closeTimeout");
    return this;
  }

  /**
   * The wall clock that due times are read from (default: the system's UTC clock); for tests and
   * simulations. NightCoral compares it with the JVM's monotonic clock to tell a step of it from
   * the passing of time: a step back never makes a timer fire early or twice.
   */
  public NightCoralBuilder<J> clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * The monotonic clock in nanoseconds that tells steps of {@link #clock} from the passing of time
   * (tests that move their clock move this with it); package-private on purpose.
   */
  NightCoralBuilder<J> ticker(LongSupplier nanos) {
    this.ticker = Objects.requireNonNull(nanos, "ticker");
    return this;
  }

  /**
   * Where each pool of children gets the timer for its pings, ping timeouts, job deadlines and
   * restart delays (default: a thread on the JVM's clock); tests pass a timer they move by hand.
   * Package-private on purpose.
   */
  NightCoralBuilder<J> poolTimer(Supplier<PoolTimer> timers) {
    this.poolTimer = Objects.requireNonNull(timers, "poolTimer");
    return this;
  }

  /**
   * How long before its due instant a timer may go to an idle worker, which holds it until then
   * (default 5 ms); tests stretch it to see what happens meanwhile. Package-private on purpose.
   */
  NightCoralBuilder<J> timerLead(Duration lead) {
    this.timerLead = positive(lead, "timerLead");
    return this;
  }

  /**
   * Opens (or creates) the database, recovers the jobs an earlier run left, and returns the
   * instance; no worker runs until {@link NightCoral#launch}.
   */
  public NightCoral<J> build() {
    if (databaseFile == null && databaseUrl == null && dataSource == null) {
      throw new IllegalStateException(
          "databaseFile is required (or, for PostgreSQL, databaseUrl or dataSource)");
    }
    JobCodec<J> codec = codecs.apply(objectMapper);
    return new NightCoral<>(
        new Settings<>(
            databaseFile,
            synchronous,
            codec,
            jobTypeName,
            objectMapper,
            configJson(objectMapper, workerConfig),
            cacheJobs,
            notifyError,
            describeJob != null ? describeJob : codec::encode,
            pingFrequency,
            pingTimeout,
            replyTimeout,
            workerDeathThreshold,
            workerDeathDuration,
            fakeWorker,
            localHandler,
            List.copyOf(workerClasspath),
            workerJvmOptions,
            workerCdsArchive,
            jobTimeout,
            maxAttempts,
            retryFirst,
            retryMax,
            closeTimeout,
            clock,
            ticker,
            poolTimer,
            timerLead,
            meterRegistry,
            workerPrefetch,
            nodeLeaseTimeout,
            warmSpares,
            databaseUrl,
            dataSource));
  }

  private static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.compareTo(LONGEST_DURATION) > 0) {
      throw new IllegalArgumentException(
          name + " must be positive and at most " + LONGEST_DURATION + ", was " + value);
    }
    return value;
  }
}
