package io.nightcoral;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The worker children of this JVM, found among its descendants by their main class. */
final class Children {
  private Children() {}

  /** Worker children still alive, the class-data training run (when there is one) included. */
  static List<ProcessHandle> live() {
    try (Stream<ProcessHandle> all = ProcessHandle.current().descendants()) {
      return all.filter(p -> commandLine(p).contains("io.nightcoral.worker.WorkerMain")).toList();
    }
  }

  /** Worker children that run jobs (not the class-data training run). */
  static List<ProcessHandle> workers() {
    return live().stream().filter(p -> !commandLine(p).endsWith("--train")).toList();
  }

  /**
   * The process's arguments, read from {@code /proc}: the JDK's {@code ProcessHandle.Info} gives
   * none for a command line longer than a page, which a test class path can reach.
   */
  static List<String> arguments(ProcessHandle process) {
    List<String> all = Arrays.asList(cmdline(process).split("\0"));
    return all.isEmpty() ? all : all.subList(1, all.size());
  }

  private static String commandLine(ProcessHandle process) {
    return cmdline(process).replace('\0', ' ').strip();
  }

  private static String cmdline(ProcessHandle process) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return process.info().commandLine().orElse(""); // gone, or not Linux
    }
  }
}
