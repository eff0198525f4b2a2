package io.nightcoral;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folder a test shares with the test handlers in its children (their workerConfig's {@code
 * dir}): the files they write there tell the test what they did, and the file {@code gate} lets
 * them go on.
 */
final class HandlerDir {
  private HandlerDir() {}

  /**
   * A builder for the database {@code database} in {@code dir}, whose children's handlers use
   * {@code dir}, and whose failed jobs are retried after 10 to 20 ms.
   */
  static NightCoralBuilder<TestJob> builder(Path dir, String database) {
    return TestStore.at(NightCoral.builder(TestJob.class), dir.resolve(database))
        .workerConfig(Map.of("dir", dir.toString()))
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  /** Lets every "gate" job finish. */
  static void openGate(Path dir) throws IOException {
    Files.writeString(dir.resolve("gate"), "");
  }

  /** How many lines the file {@code name} holds (0 if there is none). */
  static int lines(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  /** How many times the "record" job numbered {@code value} ran. */
  static int runs(Path dir, int value) throws IOException {
    return lines(dir, "run-" + value);
  }

  /** How many different "record" jobs ran. */
  static long recorded(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("run-")).count();
    }
  }

  /**
   * The process ids that end the names of the files starting with {@code prefix}, such as {@code
   * "busy-"} or {@code "grandchild-"}.
   */
  static List<Long> pids(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix))
          .map(n -> Long.parseLong(n.substring(prefix.length())))
          .toList();
    }
  }
}
