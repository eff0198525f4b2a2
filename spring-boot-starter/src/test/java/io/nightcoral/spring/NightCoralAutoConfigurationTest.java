package io.nightcoral.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import io.nightcoral.Synchronous;
import io.nightcoral.WorkerPoolError;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The auto-configuration, in real application contexts, with real worker children. */
class NightCoralAutoConfigurationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NightCoralAutoConfiguration.class))
        .withPropertyValues(
            "nightcoral.database-file=" + dir.resolve("jobs.db"),
            "nightcoral.worker-cds-archive=none");
  }

  private ApplicationContextRunner withChildren(int workers) {
    return runner()
        .withPropertyValues(
            "nightcoral.job-type=" + Job.class.getName(),
            "nightcoral.handler-class=" + TestHandler.class.getName(),
            "nightcoral.workers=" + workers,
            "nightcoral.worker-config.dir=" + dir,
            "nightcoral.worker-config.greeting=hello");
  }

  /** An application bean that asks for the job type it uses. */
  record UsesJobs(NightCoral<Job> jobs) {}

  @Configuration(proxyBeanMethods = false)
  static class Application {
    @Bean
    UsesJobs usesJobs(NightCoral<Job> jobs) {
      return new UsesJobs(jobs);
    }
  }

  @Test
  void childrenStartWithTheContextAndRunTheJobsOfTheInjectedBean() {
    withChildren(2)
        .withUserConfiguration(Application.class)
        .withPropertyValues("nightcoral.max-attempts=1", "nightcoral.synchronous=normal")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              NightCoral<Job> nc = context.getBean(UsesJobs.class).jobs();
              assertThat(nc.stats().workers()).isEqualTo(2);
              assertThat(reply(nc, new Job("square", 7))).isEqualTo(new Job("square", 49));
              assertThat(reply(nc, new Job("config", 0)).task()).isEqualTo("hello");
            });
  }

  @Test
  void stringJobsWithNoHandlerStoreJobsAndStartNoChild() {
    runner()
        .withPropertyValues("nightcoral.job-type=string")
        .run(
            context -> {
              @SuppressWarnings("unchecked")
              NightCoral<String> nc = context.getBean(NightCoral.class);
              nc.add("kept for later");
              assertThat(nc.stats().workers()).isZero();
              assertThat(nc.stats().queued()).isEqualTo(1);
            });
  }

  @Test
  void missingOrBadPropertiesFailTheStartNamingTheProperty() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NightCoralAutoConfiguration.class))
        .withPropertyValues("nightcoral.job-type=string")
        .run(context -> assertFailure(context, "nightcoral.database-file is required"));
    runner().run(context -> assertFailure(context, "nightcoral.job-type is required"));
    runner()
        .withPropertyValues("nightcoral.job-type=com.example.Missing")
        .run(context -> assertFailure(context, "cannot be loaded: com.example.Missing"));
    runner()
        .withPropertyValues(
            "nightcoral.job-type=string", "nightcoral.database-url=jdbc:postgresql://127.0.0.1/x")
        .run(context -> assertFailure(context, "are alternatives: set one"));
    runner()
        .withPropertyValues("nightcoral.job-type=string", "nightcoral.max-attempts=0")
        .run(context -> assertFailure(context, "maxAttempts must be positive"));
    runner()
        .withPropertyValues("nightcoral.job-type=string", "nightcoral.workers=2")
        .run(context -> assertFailure(context, "nightcoral.handler-class is not set"));
  }

  @Test
  void nothingIsConfiguredWhenDisabled() {
    runner()
        .withPropertyValues("nightcoral.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(NightCoral.class));
  }

  @Test
  void customizersSeeTheBuilderBeforeItIsBuilt() {
    runner()
        .withPropertyValues("nightcoral.job-type=" + Job.class.getName(), "nightcoral.workers=2")
        .withBean(
            NightCoralCustomizer.class,
            () ->
                (NightCoralCustomizer<Job>)
                    builder -> builder.fakeWorker(job -> new Job("fake", job.value())))
        .run(
            context -> {
              NightCoral<Job> nc = jobs(context);
              assertThat(nc.stats().workers()).isEqualTo(2);
              assertThat(reply(nc, new Job("square", 3))).isEqualTo(new Job("fake", 3));
            });
  }

  @Test
  void theContextsObjectMapperWritesJobsOnlyWhenAskedTo() {
    ApplicationContextRunner fake =
        runner()
            .withPropertyValues(
                "nightcoral.job-type=" + Job.class.getName(), "nightcoral.workers=1")
            .withBean(ObjectMapper.class, NightCoralAutoConfigurationTest::markingMapper)
            .withBean(
                NightCoralCustomizer.class,
                () -> (NightCoralCustomizer<Job>) builder -> builder.fakeWorker(job -> job));
    fake.run(context -> assertThat(reply(jobs(context), new Job("x", 1)).task()).isEqualTo("x"));
    fake.withPropertyValues("nightcoral.use-context-object-mapper=true")
        .run(
            context ->
                assertThat(reply(jobs(context), new Job("x", 1)).task())
                    .isEqualTo("written by the context's mapper"));
  }

  @Test
  void metersGoToTheContextsMeterRegistry() {
    runner()
        .withPropertyValues("nightcoral.job-type=string")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.find("nightcoral.queue.size").gauge()).isNotNull();
              assertThat(registry.find("nightcoral.pool.workers").gauge()).isNotNull();
            });
  }

  /** Collects the pool errors published as application events. */
  static class Errors {
    final List<WorkerPoolError> heard = Collections.synchronizedList(new ArrayList<>());

    @EventListener
    void on(WorkerPoolError error) {
      heard.add(error);
    }
  }

  @Test
  void healthIsUpWithTheFiguresThenDownWithTheReasonWhenThePoolStops() {
    withChildren(1)
        .withPropertyValues("nightcoral.worker-death-threshold=1", "nightcoral.max-attempts=1")
        .withBean(Errors.class)
        .run(
            context -> {
              NightCoralHealthIndicator health = context.getBean(NightCoralHealthIndicator.class);
              Health up = health.health();
              assertThat(up.getStatus()).isEqualTo(Status.UP);
              assertThat(up.getDetails()).containsEntry("workers", 1);

              jobs(context).add(new Job("crash", 0));
              await().atMost(WAIT).until(() -> health.health().getStatus().equals(Status.DOWN));
              assertThat((String) health.health().getDetails().get("reason"))
                  .startsWith("the worker pool stopped: ");
              // the event goes out on a callback thread: it may follow the health's change
              await()
                  .atMost(WAIT)
                  .untilAsserted(
                      () ->
                          assertThat(new ArrayList<>(context.getBean(Errors.class).heard))
                              .extracting(WorkerPoolError::kind)
                              .contains(WorkerPoolError.Kind.POOL_STOPPED));
            });
  }

  @Test
  void stoppingTheContextLetsTheRunningJobFinishBeforeNightCoralCloses() {
    ConfigurableApplicationContext[] kept = new ConfigurableApplicationContext[1];
    withChildren(1)
        .run(
            context -> {
              kept[0] = context;
              jobs(context).add(new Job("slow", 1500));
              await().atMost(WAIT).until(() -> Files.exists(dir.resolve("started")));
            });
    // the runner closed the context: the job's handler had finished by then
    assertThat(dir.resolve("finished")).exists();
    assertThat(kept[0].isActive()).isFalse();
    assertThat(NightCoralLifecycle.PHASE)
        .isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE)
        .isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1024);
  }

  @Test
  void everyBuilderOptionIsAPropertyWithTheBuildersDefaultOrTakesCode() {
    Set<String> takeCode =
        Set.of(
            "metrics", // the context's MeterRegistry
            "objectMapper", // use-context-object-mapper
            "notifyError", // WorkerPoolError application events
            "describeJob",
            "fakeWorker",
            "localHandler",
            "clock",
            "dataSource", // a customizer passes the context's DataSource
            "build");
    BeanWrapperImpl properties = new BeanWrapperImpl(new NightCoralProperties());
    for (Method m : NightCoralBuilder.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !takeCode.contains(m.getName())) {
        assertThat(properties.isReadableProperty(m.getName())).as(m.getName()).isTrue();
      }
    }
    NightCoralProperties p = new NightCoralProperties();
    assertThat(p.getCacheJobs()).isEqualTo(NightCoralBuilder.DEFAULT_CACHE_JOBS);
    assertThat(p.getPingFrequency()).isEqualTo(NightCoralBuilder.DEFAULT_PING_FREQUENCY);
    assertThat(p.getPingTimeout()).isEqualTo(NightCoralBuilder.DEFAULT_PING_TIMEOUT);
    assertThat(p.getReplyTimeout()).isEqualTo(NightCoralBuilder.DEFAULT_REPLY_TIMEOUT);
    assertThat(p.getWorkerDeathThreshold())
        .isEqualTo(NightCoralBuilder.DEFAULT_WORKER_DEATH_THRESHOLD);
    assertThat(p.getWorkerDeathDuration())
        .isEqualTo(NightCoralBuilder.DEFAULT_WORKER_DEATH_DURATION);
    assertThat(p.getMaxAttempts()).isEqualTo(NightCoralBuilder.DEFAULT_MAX_ATTEMPTS);
    assertThat(p.getRetryBackoff().getFirst()).isEqualTo(NightCoralBuilder.DEFAULT_RETRY_FIRST);
    assertThat(p.getRetryBackoff().getMax()).isEqualTo(NightCoralBuilder.DEFAULT_RETRY_MAX);
    assertThat(p.getWorkerPrefetch()).isEqualTo(NightCoralBuilder.DEFAULT_WORKER_PREFETCH);
    assertThat(p.getCloseTimeout()).isEqualTo(NightCoralBuilder.DEFAULT_CLOSE_TIMEOUT);
    assertThat(p.getWarmSpares()).isEqualTo(NightCoralBuilder.DEFAULT_WARM_SPARES);
    assertThat(p.getNodeLeaseTimeout()).isEqualTo(NightCoralBuilder.DEFAULT_NODE_LEASE_TIMEOUT);
    assertThat(p.getSynchronous()).isEqualTo(Synchronous.FULL);
  }

  @Test
  void theMetadataForIdesDescribesEachProperty() throws IOException {
    String metadata = null;
    for (URL url :
        Collections.list(
            getClass()
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.contains("\"nightcoral.database-file\"")) {
          metadata = text;
        }
      }
    }
    assertThat(metadata).isNotNull();
    for (String property :
        List.of(
            "nightcoral.job-type",
            "nightcoral.handler-class",
            "nightcoral.workers",
            "nightcoral.worker-classpath",
            "nightcoral.max-attempts",
            "nightcoral.job-timeout",
            "nightcoral.worker-jvm-options",
            "nightcoral.retry-backoff.first",
            "nightcoral.console.path")) {
      assertThat(metadata).contains("\"name\": \"" + property + "\"");
    }
    assertThat(metadata).contains("Failed attempts before a job is set aside as dead");
  }

  private static void assertFailure(
      org.springframework.boot.test.context.assertj.AssertableApplicationContext context,
      String message) {
    assertThat(context).hasFailed();
    Throwable t = context.getStartupFailure();
    StringBuilder messages = new StringBuilder();
    for (; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    assertThat(messages.toString()).contains(message);
  }

  @SuppressWarnings("unchecked")
  private static NightCoral<Job> jobs(ConfigurableApplicationContext context) {
    return context.getBean(NightCoral.class);
  }

  private static Job reply(NightCoral<Job> nc, Job job) throws Exception {
    return nc.addQuery(job).reply().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static ObjectMapper markingMapper() {
    SimpleModule module = new SimpleModule();
    module.addSerializer(
        Job.class,
        new JsonSerializer<Job>() {
          @Override
          public void serialize(Job job, JsonGenerator out, SerializerProvider provider)
              throws IOException {
            out.writeStartObject();
            out.writeStringField("task", "written by the context's mapper");
            out.writeNumberField("value", job.value());
            out.writeEndObject();
          }
        });
    return new ObjectMapper().registerModule(module);
  }

  @Test
  void theConsoleIsMountedAtItsPathWhenAskedFor() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NightCoralAutoConfiguration.class))
        .withPropertyValues(
            "nightcoral.database-file=" + dir.resolve("console.db"),
            "nightcoral.job-type=string",
            "nightcoral.console.enabled=true",
            "nightcoral.console.path=/ops/nightcoral",
            "nightcoral.console.token=a-token-of-sixteen-chars")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ServletRegistrationBean<?> console =
                  context.getBean("nightcoralConsole", ServletRegistrationBean.class);
              assertThat(console.getUrlMappings()).containsExactly("/ops/nightcoral/*");
              assertThat(console.getServlet().getClass().getName())
                  .isEqualTo("io.nightcoral.console.NightCoralConsoleServlet");
            });
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NightCoralAutoConfiguration.class))
        .withPropertyValues(
            "nightcoral.database-file=" + dir.resolve("none.db"), "nightcoral.job-type=string")
        .run(context -> assertThat(context).doesNotHaveBean("nightcoralConsole"));
  }

  @Test
  void healthIsDownOnceNightCoralIsClosed() {
    runner()
        .withPropertyValues("nightcoral.job-type=string")
        .run(
            context -> {
              NightCoral<?> nc = context.getBean(NightCoral.class);
              NightCoralHealthIndicator health = new NightCoralHealthIndicator(nc);
              assertThat(health.health().getStatus()).isEqualTo(Status.UP);
              nc.close();
              assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            });
  }
}
