package io.nightcoral.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.nightcoral.NightCoral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configures a {@code NightCoral} bean from the {@code nightcoral.*} properties ({@link
 * NightCoralProperties}), a {@link NightCoralLifecycle} that launches its children when the context
 * starts and drains them when it stops, its meters in the context's {@code MeterRegistry}, and the
 * {@code nightcoral} health component. Pool errors are published as {@code WorkerPoolError}
 * application events. Off with {@code nightcoral.enabled=false}; a {@code NightCoral} bean of the
 * application's own replaces the auto-configured one.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(NightCoral.class)
@ConditionalOnProperty(prefix = "nightcoral", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(NightCoralProperties.class)
public class NightCoralAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  /** Creates the auto-configuration (Spring does). */
  public NightCoralAutoConfiguration() {}

  @Bean
  PoolState nightCoralPoolState() {
    return new PoolState();
  }

  /**
   * The {@code NightCoral} instance, built from the properties and then the customizers; closed
   * when the context closes (the lifecycle closes it first, gracefully).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(NightCoral.class)
  public NightCoral<?> nightCoral(
      NightCoralProperties properties,
      ObjectProvider<NightCoralCustomizer<?>> customizers,
      ObjectProvider<ObjectMapper> objectMapper,
      ApplicationContext context) {
    PoolState state = context.getBean(PoolState.class);
    return new NightCoralFactory(properties)
        .create(
            context.getClassLoader(),
            properties.isUseContextObjectMapper() ? objectMapper.getIfUnique() : null,
            customizers.orderedStream().toList(),
            error -> {
              state.heard(error);
              try {
                context.publishEvent(error);
              } catch (RuntimeException e) { // the context may be closing
                log.debug("pool error not published as an event: {}", e.toString());
              }
            });
  }

  /** Launches the children when the context starts; closes NightCoral when it stops. */
  @Bean
  @ConditionalOnMissingBean
  public NightCoralLifecycle nightCoralLifecycle(
      NightCoral<?> nightCoral, NightCoralProperties properties, PoolState state) {
    NightCoralFactory factory = new NightCoralFactory(properties);
    return new NightCoralLifecycle(nightCoral, factory.handlerClass(), factory.workers(), state);
  }

  /** Reports NightCoral's meters to the context's {@code MeterRegistry}, when it has one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MetricsConfiguration {
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE) // the application's customizers may choose otherwise
    NightCoralCustomizer<Object> nightCoralMetrics(ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifUnique(builder::metrics);
    }
  }

  /** The {@code nightcoral} health component, when the actuator is there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.actuate.health.HealthIndicator",
        "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"
      })
  @ConditionalOnEnabledHealthIndicator("nightcoral")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "nightcoralHealthIndicator")
    NightCoralHealthIndicator nightcoralHealthIndicator(NightCoral<?> nightCoral) {
      return new NightCoralHealthIndicator(nightCoral);
    }
  }

  /**
   * The web console, mounted in the application's servlet container at {@code
   * nightcoral.console.path} when {@code nightcoral.console.enabled} is true and {@code
   * nightcoral-console} is on the class path; changes need {@code nightcoral.console.token}, and
   * {@code nightcoral.console.read-only} refuses them all.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "nightcoral.console", name = "enabled")
  @ConditionalOnClass(name = "io.nightcoral.console.NightCoralConsole")
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  static class ConsoleConfiguration {
    @Bean
    ServletRegistrationBean<?> nightcoralConsole(
        NightCoral<?> nightCoral, NightCoralProperties properties) {
      return ConsoleMount.servlet(nightCoral, properties.getConsole());
    }
  }
}
