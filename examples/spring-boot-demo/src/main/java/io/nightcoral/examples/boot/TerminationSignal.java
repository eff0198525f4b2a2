package io.nightcoral.examples.boot;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * On SIGTERM, closes the application context first (NightCoral lets running jobs finish, then the
 * web server stops) and then exits with the context's exit code, 0. Left to itself the JVM answers
 * SIGTERM by exiting 143 while it runs every shutdown hook at once. The JDK has no public API for
 * signals, so this reaches {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where it
 * is missing, SIGTERM keeps the JVM's own handling.
 */
final class TerminationSignal {
  private static final Logger log = LoggerFactory.getLogger(TerminationSignal.class);

  private TerminationSignal() {}

  /** Makes SIGTERM close {@code context} and then exit. */
  static void closes(ConfigurableApplicationContext context) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      InvocationHandler onSignal =
          (proxy, method, args) ->
              switch (method.getName()) {
                case "handle" -> {
                  Thread exit =
                      new Thread(
                          () -> System.exit(SpringApplication.exit(context)), "demo-sigterm");
                  exit.start();
                  yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "SIGTERM closes the application context";
              };
      Object handler =
          Proxy.newProxyInstance(
              TerminationSignal.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
      signal
          .getMethod("handle", signal, handlerType)
          .invoke(null, signal.getConstructor(String.class).newInstance("TERM"), handler);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn("SIGTERM keeps the JVM's own handling: {}", e.toString());
    }
  }
}
