package io.nightcoral.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import io.nightcoral.WorkerPoolError;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.util.ClassUtils;

/** Builds {@code NightCoral} from the {@code nightcoral.*} properties and the customizers. */
final class NightCoralFactory {
  /** The {@code nightcoral.job-type} of jobs that are strings. */
  static final String STRING_JOBS = "string";

  /** The {@code nightcoral.worker-cds-archive} that turns the class-data archive off. */
  static final String NO_ARCHIVE = "none";

  private final NightCoralProperties properties;

  NightCoralFactory(NightCoralProperties properties) {
    this.properties = properties;
  }

  /**
   * The instance, built; {@code contextMapper} is used only if the properties ask for it, and
   * {@code errors} hears every pool error.
   *
   * @throws IllegalStateException naming the property, when one is missing or bad
   */
  NightCoral<?> create(
      ClassLoader classLoader,
      ObjectMapper contextMapper,
      List<NightCoralCustomizer<?>> customizers,
      Consumer<WorkerPoolError> errors) {
    String jobType = required(properties.getJobType(), "job-type", "a class name, or string");
    if (blank(properties.getDatabaseUrl())) {
      required(properties.getDatabaseFile(), "database-file", "the SQLite file, or database-url");
    } else if (!blank(properties.getDatabaseFile())) {
      throw new IllegalStateException(
          "nightcoral.database-file and nightcoral.database-url are alternatives: set one");
    }
    if (STRING_JOBS.equalsIgnoreCase(jobType)) {
      return configure(NightCoral.builderForStrings(), contextMapper, customizers, errors);
    }
    Class<?> type;
    try {
      type = ClassUtils.forName(jobType.trim(), classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "nightcoral.job-type names a class that cannot be loaded: " + jobType, e);
    }
    return configure(NightCoral.builder(type), contextMapper, customizers, errors);
  }

  /** How many children the lifecycle launches: {@code workers}, else 1 with a handler class. */
  int workers() {
    Integer workers = properties.getWorkers();
    if (workers == null) {
      return handlerClass() == null ? 0 : 1;
    }
    if (workers < 0) {
      throw new IllegalStateException("nightcoral.workers must not be negative, was " + workers);
    }
    return workers;
  }

  /** The handler class, or null. */
  String handlerClass() {
    String h = properties.getHandlerClass();
    return h == null || h.isBlank() ? null : h.trim();
  }

  @SuppressWarnings("unchecked") // a customizer's job type is the one nightcoral.job-type names
  private <J> NightCoral<J> configure(
      NightCoralBuilder<J> builder,
      ObjectMapper contextMapper,
      List<NightCoralCustomizer<?>> customizers,
      Consumer<WorkerPoolError> errors) {
    NightCoralProperties p = properties;
    try {
      if (p.isUseContextObjectMapper()) {
        if (contextMapper == null) {
          throw new IllegalArgumentException(
              "use-context-object-mapper is true, but the context has no single ObjectMapper");
        }
        builder.objectMapper(contextMapper); // before workerConfig, which it writes
      }
      if (blank(p.getDatabaseUrl())) {
        builder.databaseFile(p.getDatabaseFile());
      } else {
        builder.databaseUrl(p.getDatabaseUrl().trim());
      }
      builder
          .cacheJobs(p.getCacheJobs())
          .pingFrequency(p.getPingFrequency())
          .pingTimeout(p.getPingTimeout())
          .replyTimeout(p.getReplyTimeout())
          .workerDeathThreshold(p.getWorkerDeathThreshold())
          .workerDeathDuration(p.getWorkerDeathDuration())
          .workerClasspath(p.getWorkerClasspath().toArray(Path[]::new))
          .maxAttempts(p.getMaxAttempts())
          .retryBackoff(p.getRetryBackoff().getFirst(), p.getRetryBackoff().getMax())
          .synchronous(p.getSynchronous())
          .workerPrefetch(p.getWorkerPrefetch())
          .closeTimeout(p.getCloseTimeout())
          .warmSpares(p.getWarmSpares())
          .nodeLeaseTimeout(p.getNodeLeaseTimeout());
      if (!p.getWorkerConfig().isEmpty()) {
        builder.workerConfig(p.getWorkerConfig());
      }
      if (p.getWorkerJvmOptions() != null) {
        builder.workerJvmOptions(p.getWorkerJvmOptions());
      }
      String archive = p.getWorkerCdsArchive();
      if (archive != null && !archive.isBlank()) {
        builder.workerCdsArchive(
            NO_ARCHIVE.equalsIgnoreCase(archive.trim()) ? null : Path.of(archive.trim()));
      }
      if (p.getJobTimeout() != null) {
        builder.jobTimeout(p.getJobTimeout());
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalStateException("bad nightcoral.* property: " + e.getMessage(), e);
    }
    for (NightCoralCustomizer<?> customizer : customizers) {
      ((NightCoralCustomizer<J>) customizer).customize(builder);
    }
    builder.notifyError(errors); // last: the health indicator depends on it
    return builder.build();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String required(String value, String property, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("nightcoral." + property + " is required (" + what + ")");
    }
    return value;
  }
}
