package io.nightcoral.spring;

import io.nightcoral.NightCoral;
import io.nightcoral.console.NightCoralConsole;
import io.nightcoral.console.NightCoralConsoleBuilder;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * Mounts the web console as a servlet; a class of its own so that the console's classes are loaded
 * only when the console is on the class path and asked for.
 */
final class ConsoleMount {
  private ConsoleMount() {}

  static ServletRegistrationBean<?> servlet(
      NightCoral<?> nightCoral, NightCoralProperties.Console console) {
    String path = console.getPath();
    if (path == null || !path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException(
          "bad nightcoral.console.path: it starts with / and does not end with one, was " + path);
    }
    NightCoralConsoleBuilder builder = NightCoralConsole.builder(nightCoral);
    if (console.getToken() != null && !console.getToken().isBlank()) {
      builder.token(console.getToken());
    }
    builder.readOnly(console.isReadOnly());
    ServletRegistrationBean<?> bean = new ServletRegistrationBean<>(builder.servlet(), path + "/*");
    bean.setName("nightcoralConsole");
    return bean;
  }
}
