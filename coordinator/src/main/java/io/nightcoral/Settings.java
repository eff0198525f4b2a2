package io.nightcoral;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.internal.pool.PoolTimer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The configuration of one NightCoral, frozen by {@link NightCoralBuilder#build()}: immutable, so
 * every part of the instance reads the same values for its whole life.
 */
record Settings<J>(
    String databaseFile,
    Synchronous synchronous,
    JobCodec<J> codec,
    String jobTypeName,
    ObjectMapper objectMapper,
    String workerConfigJson,
    int cacheJobs,
    Consumer<WorkerPoolError> notifyError,
    Function<J, String> describeJob,
    Duration pingFrequency,
    Duration pingTimeout,
    Duration replyTimeout,
    int workerDeathThreshold,
    Duration workerDeathDuration,
    FakeWorker<J> fakeWorker,
    Function<J, J> localHandler,
    List<Path> workerClasspath,
    List<String> workerJvmOptions,
    Path workerCdsArchive,
    Duration jobTimeout,
    int maxAttempts,
    Duration retryFirst,
    Duration retryMax,
    Duration closeTimeout,
    Clock clock,
    LongSupplier ticker,
    Supplier<PoolTimer> poolTimer,
    Duration timerLead,
    Object meterRegistry,
    int workerPrefetch,
    Duration nodeLeaseTimeout,
    int warmSpares,
    String databaseUrl,
    DataSource dataSource) {

  /** The effective configuration, as logged once at start. */
  @Override
  public String toString() {
    return "database="
        + (databaseFile != null
            ? databaseFile
            : databaseUrl != null
                ? io.nightcoral.internal.store.postgres.Connector.redact(databaseUrl)
                : "dataSource " + dataSource.getClass().getName())
        + " (synchronous="
        + synchronous
        + "), jobs="
        + jobTypeName
        + ", cacheJobs="
        + cacheJobs
        + ", workerPrefetch="
        + workerPrefetch
        + ", maxAttempts="
        + maxAttempts
        + ", retryBackoff="
        + retryFirst
        + ".."
        + retryMax
        + ", jobTimeout="
        + (jobTimeout == null ? "none" : jobTimeout)
        + ", replyTimeout="
        + replyTimeout
        + ", pingFrequency="
        + pingFrequency
        + ", pingTimeout="
        + pingTimeout
        + ", workerDeath="
        + workerDeathThreshold
        + " in "
        + workerDeathDuration
        + ", closeTimeout="
        + closeTimeout
        + ", fakeWorker="
        + (fakeWorker != null)
        + ", metrics="
        + (meterRegistry != null)
        + ", workerClasspath="
        + workerClasspath
        + ", workerJvmOptions="
        + workerJvmOptions
        + ", workerCdsArchive="
        + (workerCdsArchive == null ? "off" : workerCdsArchive);
  }
}
