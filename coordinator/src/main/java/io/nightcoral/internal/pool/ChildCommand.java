package io.nightcoral.internal.pool;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import io.nightcoral.worker.JobHandler;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of a worker child: the server's own {@code java}, output-safety flags, the
 * user's JVM options, and an explicit class path.
 */
public final class ChildCommand {
  /** Keep the JVM's own messages off stdout, which carries frames only. */
  static final List<String> STDOUT_SAFETY = List.of(
      "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr");

  /** The child's entry point, in the worker runtime. */
  static final String MAIN_CLASS = "io.nightcoral.worker.WorkerMain";

  private ChildCommand() {}

  /** The full command for a child with {@code jvmOptions} and {@code extraClasspath}. */
  public static List<String> of(List<String> jvmOptions, List<Path> extraClasspath) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(STDOUT_SAFETY);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath(extraClasspath));
    command.add(MAIN_CLASS);
    return command;
  }

  /**
   * The server's class path, plus where the runtime's own classes come from (a server in a
   * container or a fat jar may not list them), plus {@code extra}.
   */
  static String classpath(List<Path> extra) {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    for (Class<?> c : List.of(JobHandler.class, MessageLite.class, ObjectMapper.class, JsonParser.class,
        JsonProperty.class)) {
      String location = locationOf(c);
      if (location != null) {
        entries.add(location);
      }
    }
    for (Path p : extra) {
      entries.add(p.toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String locationOf(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
