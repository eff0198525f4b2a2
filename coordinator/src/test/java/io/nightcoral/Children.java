package io.nightcoral;

import java.util.List;
import java.util.stream.Stream;

/** The worker children of this JVM, found among its descendants by their main class. */
final class Children {
  private Children() {}

  /** Worker children still alive, the class-data training run (when there is one) included. */
  static List<ProcessHandle> live() {
    try (Stream<ProcessHandle> all = ProcessHandle.current().descendants()) {
      return all.filter(
              p -> p.info().commandLine().orElse("").contains("io.nightcoral.worker.WorkerMain"))
          .toList();
    }
  }

  /** Worker children that run jobs (not the class-data training run). */
  static List<ProcessHandle> workers() {
    return live().stream()
        .filter(p -> !p.info().commandLine().orElse("").endsWith("--train"))
        .toList();
  }
}
