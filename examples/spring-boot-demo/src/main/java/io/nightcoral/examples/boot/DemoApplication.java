package io.nightcoral.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web app with the NightCoral starter: the {@code nightcoral.*} properties in {@code
 * application.properties} configure the store and the worker children, which run the example
 * handler jar; {@link JobsController} adds jobs and asks queries over HTTP. SIGTERM drains running
 * jobs and exits 0 ({@link TerminationSignal}).
 */
@SpringBootApplication
public class DemoApplication {
  public static void main(String[] args) {
    TerminationSignal.closes(SpringApplication.run(DemoApplication.class, args));
  }
}
