package io.nightcoral.spring;

import io.nightcoral.Synchronous;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code nightcoral.*} properties: one per option of {@code NightCoralBuilder} (kebab case),
 * the job type, and the handler class and child count that are launched when the context starts.
 * Options that take code ({@code fakeWorker}, {@code localHandler}, {@code describeJob}, {@code
 * clock}) go through a {@link NightCoralCustomizer} bean. Mutable, for binding only.
 */
@ConfigurationProperties("nightcoral")
public class NightCoralProperties {
  /** Whether to create the NightCoral bean. */
  private boolean enabled = true;

  /**
   * The SQLite file for jobs and timers, created with its folder if needed; ":memory:" keeps
   * nothing. This or database-url is required.
   */
  private String databaseFile;

  /**
   * A PostgreSQL JDBC URL (jdbc:postgresql://host:port/database?user=...&password=...) that several
   * coordinators may share, instead of database-file; needs the PostgreSQL driver. (A DataSource
   * goes through a NightCoralCustomizer.)
   */
  private String databaseUrl;

  /**
   * The job type: the name of a class that Jackson maps to JSON, or "string" for jobs that are
   * strings stored as they are. Required.
   */
  private String jobType;

  /**
   * The JobHandler class the worker children run; without it, no child is launched (or, with a
   * fakeWorker from a customizer, inline workers are).
   */
  private String handlerClass;

  /**
   * How many worker children to launch when the context starts; 0 stores jobs and runs none. When
   * unset: 1 if a handler class is set, else 0.
   */
  private Integer workers;

  /** Extra class-path entries for the children, such as the handler jar. */
  private List<Path> workerClasspath = new ArrayList<>();

  /** Sent as JSON to each child's setup; none when empty. */
  private Map<String, Object> workerConfig = new LinkedHashMap<>();

  /** How many due jobs the queue reads from the database at a time. */
  private int cacheJobs = 50;

  /** How often each child is pinged. */
  private Duration pingFrequency = Duration.ofSeconds(60);

  /** How long a child may take to answer a ping before it is killed. */
  private Duration pingTimeout = Duration.ofSeconds(30);

  /** How long a query's reply waits before failing; the job itself is not cancelled. */
  private Duration replyTimeout = Duration.ofSeconds(30);

  /** How many worker deaths within worker-death-duration stop the pool. */
  private int workerDeathThreshold = 10;

  /** The window for worker-death-threshold. */
  private Duration workerDeathDuration = Duration.ofSeconds(15);

  /**
   * The JVM options of each child, replacing the small-footprint defaults (-Xms8m -Xmx64m -Xss512k
   * -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m
   * -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0).
   */
  private List<String> workerJvmOptions;

  /**
   * The folder for the children's class-data archive, which only this user may write; "none" turns
   * the archive off. When unset: ${java.io.tmpdir}/nightcoral-${user.name}/cds.
   */
  private String workerCdsArchive;

  /**
   * A job running longer than this has its child killed, and the attempt fails; no limit when
   * unset.
   */
  private Duration jobTimeout;

  /** Failed attempts before a job is set aside as dead; 1 retires it on the first error. */
  private int maxAttempts = 3;

  /** The delay before a failed job runs again. */
  private final RetryBackoff retryBackoff = new RetryBackoff();

  /**
   * How durable each commit is: FULL survives a power cut; NORMAL survives a crash of the process
   * but may lose the last commits in a power cut.
   */
  private Synchronous synchronous = Synchronous.FULL;

  /** The most jobs a worker may hold at once when jobs are waiting; 1 sends one at a time. */
  private int workerPrefetch = 64;

  /** How long closing (when the context stops) lets running jobs finish. */
  private Duration closeTimeout = Duration.ofSeconds(10);

  /**
   * How many children to keep started beside the workers, taking no jobs, so that one takes a dead
   * worker's place at once; 0 for none.
   */
  private int warmSpares = 1;

  /**
   * On a database several coordinators share: how long a coordinator may go without renewing its
   * lease before the others take back the jobs it held (at least 10 s).
   */
  private Duration nodeLeaseTimeout = Duration.ofSeconds(30);

  /**
   * Whether jobs, replies and worker-config are written with the context's ObjectMapper instead of
   * NightCoral's default one (JDK time types as text, unknown properties ignored). The children
   * read jobs with their handler's own mapper, so turn this on only with a handler whose
   * objectMapper() matches the context's.
   */
  private boolean useContextObjectMapper = false;

  /** The web console. */
  private final Console console = new Console();

  /** The delay before a failed job runs again: first, doubling up to max, with jitter. */
  public static class RetryBackoff {
    /** The first delay. */
    private Duration first = Duration.ofSeconds(1);

    /** The longest delay. */
    private Duration max = Duration.ofHours(1);

    /** The first delay. */
    public Duration getFirst() {
      return first;
    }

    /** Sets the first delay. */
    public void setFirst(Duration first) {
      this.first = first;
    }

    /** The longest delay. */
    public Duration getMax() {
      return max;
    }

    /** Sets the longest delay. */
    public void setMax(Duration max) {
      this.max = max;
    }
  }

  /**
   * The web console, mounted in this application (it needs nightcoral-console on the class path).
   */
  public static class Console {
    /** Whether to mount the console (it needs nightcoral-console on the class path). */
    private boolean enabled = false;

    /** The path the console is mounted at. */
    private String path = "/nightcoral";

    /** The access token that changes (requeue, delete, run now, remove) need; none: read-only. */
    private String token;

    /** Whether to refuse every change, even with the token. */
    private boolean readOnly = false;

    /** The access token that changes need, or null. */
    public String getToken() {
      return token;
    }

    /** Sets the access token that changes need. */
    public void setToken(String token) {
      this.token = token;
    }

    /** Whether every change is refused. */
    public boolean isReadOnly() {
      return readOnly;
    }

    /** Sets whether every change is refused. */
    public void setReadOnly(boolean readOnly) {
      this.readOnly = readOnly;
    }

    /** Whether to mount the console. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether to mount the console. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** The path the console is mounted at. */
    public String getPath() {
      return path;
    }

    /** Sets the path the console is mounted at. */
    public void setPath(String path) {
      this.path = path;
    }
  }

  /** Whether to create the NightCoral bean. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether to create the NightCoral bean. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The SQLite file. */
  public String getDatabaseUrl() {
    return databaseUrl;
  }

  /** Sets the PostgreSQL JDBC URL. */
  public void setDatabaseUrl(String databaseUrl) {
    this.databaseUrl = databaseUrl;
  }

  /** The SQLite file. */
  public String getDatabaseFile() {
    return databaseFile;
  }

  /** Sets the SQLite file. */
  public void setDatabaseFile(String databaseFile) {
    this.databaseFile = databaseFile;
  }

  /** The job type. */
  public String getJobType() {
    return jobType;
  }

  /** Sets the job type. */
  public void setJobType(String jobType) {
    this.jobType = jobType;
  }

  /** The handler class. */
  public String getHandlerClass() {
    return handlerClass;
  }

  /** Sets the handler class. */
  public void setHandlerClass(String handlerClass) {
    this.handlerClass = handlerClass;
  }

  /** How many children to launch, or null for the default. */
  public Integer getWorkers() {
    return workers;
  }

  /** Sets how many children to launch. */
  public void setWorkers(Integer workers) {
    this.workers = workers;
  }

  /** Extra class-path entries for the children. */
  public List<Path> getWorkerClasspath() {
    return workerClasspath;
  }

  /** Sets the extra class-path entries for the children. */
  public void setWorkerClasspath(List<Path> workerClasspath) {
    this.workerClasspath = workerClasspath;
  }

  /** The configuration sent to each child's setup. */
  public Map<String, Object> getWorkerConfig() {
    return workerConfig;
  }

  /** Sets the configuration sent to each child's setup. */
  public void setWorkerConfig(Map<String, Object> workerConfig) {
    this.workerConfig = workerConfig;
  }

  /** Jobs read per batch. */
  public int getCacheJobs() {
    return cacheJobs;
  }

  /** Sets the jobs read per batch. */
  public void setCacheJobs(int cacheJobs) {
    this.cacheJobs = cacheJobs;
  }

  /** How often each child is pinged. */
  public Duration getPingFrequency() {
    return pingFrequency;
  }

  /** Sets how often each child is pinged. */
  public void setPingFrequency(Duration pingFrequency) {
    this.pingFrequency = pingFrequency;
  }

  /** How long a child may take to answer a ping. */
  public Duration getPingTimeout() {
    return pingTimeout;
  }

  /** Sets how long a child may take to answer a ping. */
  public void setPingTimeout(Duration pingTimeout) {
    this.pingTimeout = pingTimeout;
  }

  /** How long a query's reply waits. */
  public Duration getReplyTimeout() {
    return replyTimeout;
  }

  /** Sets how long a query's reply waits. */
  public void setReplyTimeout(Duration replyTimeout) {
    this.replyTimeout = replyTimeout;
  }

  /** Deaths that stop the pool. */
  public int getWorkerDeathThreshold() {
    return workerDeathThreshold;
  }

  /** Sets the deaths that stop the pool. */
  public void setWorkerDeathThreshold(int workerDeathThreshold) {
    this.workerDeathThreshold = workerDeathThreshold;
  }

  /** The window for the deaths that stop the pool. */
  public Duration getWorkerDeathDuration() {
    return workerDeathDuration;
  }

  /** Sets the window for the deaths that stop the pool. */
  public void setWorkerDeathDuration(Duration workerDeathDuration) {
    this.workerDeathDuration = workerDeathDuration;
  }

  /** The children's JVM options, or null for the defaults. */
  public List<String> getWorkerJvmOptions() {
    return workerJvmOptions;
  }

  /** Sets the children's JVM options. */
  public void setWorkerJvmOptions(List<String> workerJvmOptions) {
    this.workerJvmOptions = workerJvmOptions;
  }

  /** The class-data archive's folder, "none", or null for the default. */
  public String getWorkerCdsArchive() {
    return workerCdsArchive;
  }

  /** Sets the class-data archive's folder. */
  public void setWorkerCdsArchive(String workerCdsArchive) {
    this.workerCdsArchive = workerCdsArchive;
  }

  /** The job timeout, or null for none. */
  public Duration getJobTimeout() {
    return jobTimeout;
  }

  /** Sets the job timeout. */
  public void setJobTimeout(Duration jobTimeout) {
    this.jobTimeout = jobTimeout;
  }

  /** Failed attempts before a job is dead. */
  public int getMaxAttempts() {
    return maxAttempts;
  }

  /** Sets the failed attempts before a job is dead. */
  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  /** The retry delays. */
  public RetryBackoff getRetryBackoff() {
    return retryBackoff;
  }

  /** How durable each commit is. */
  public Synchronous getSynchronous() {
    return synchronous;
  }

  /** Sets how durable each commit is. */
  public void setSynchronous(Synchronous synchronous) {
    this.synchronous = synchronous;
  }

  /** The most jobs a worker may hold. */
  public int getWorkerPrefetch() {
    return workerPrefetch;
  }

  /** Sets the most jobs a worker may hold. */
  public void setWorkerPrefetch(int workerPrefetch) {
    this.workerPrefetch = workerPrefetch;
  }

  /** How long closing lets running jobs finish. */
  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  /** Sets how long closing lets running jobs finish. */
  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  /** How many warm spare children to keep. */
  public int getWarmSpares() {
    return warmSpares;
  }

  /** Sets how many warm spare children to keep. */
  public void setWarmSpares(int warmSpares) {
    this.warmSpares = warmSpares;
  }

  /** How long a coordinator's lease on a shared database lasts. */
  public Duration getNodeLeaseTimeout() {
    return nodeLeaseTimeout;
  }

  /** Sets how long a coordinator's lease on a shared database lasts. */
  public void setNodeLeaseTimeout(Duration nodeLeaseTimeout) {
    this.nodeLeaseTimeout = nodeLeaseTimeout;
  }

  /** Whether the context's ObjectMapper writes and reads jobs. */
  public boolean isUseContextObjectMapper() {
    return useContextObjectMapper;
  }

  /** Sets whether the context's ObjectMapper writes and reads jobs. */
  public void setUseContextObjectMapper(boolean useContextObjectMapper) {
    this.useContextObjectMapper = useContextObjectMapper;
  }

  /** The web console. */
  public Console getConsole() {
    return console;
  }
}
