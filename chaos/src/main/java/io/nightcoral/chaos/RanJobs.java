package io.nightcoral.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** What the handlers recorded in a results folder: how many times each job key ran. */
final class RanJobs {
  static final String FILE_PREFIX = "ran-";

  private final Map<String, Integer> runs;
  private final long tornLines;
  private final int files;

  private RanJobs(Map<String, Integer> runs, long tornLines, int files) {
    this.runs = runs;
    this.tornLines = tornLines;
    this.files = files;
  }

  /** Reads every {@code ran-*.txt} file in {@code dir}. */
  static RanJobs read(Path dir) throws IOException {
    Map<String, Integer> runs = new HashMap<>();
    long torn = 0;
    int files = 0;
    if (!Files.isDirectory(dir)) {
      return new RanJobs(runs, 0, 0);
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path file : (Iterable<Path>) list::iterator) {
        if (!file.getFileName().toString().startsWith(FILE_PREFIX)) {
          continue;
        }
        files++;
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
          runs.merge(text.substring(start, end), 1, Integer::sum);
          start = end + 1;
        }
        if (start < text.length()) {
          torn++; // a line without its newline: the write was not atomic
        }
      }
    }
    return new RanJobs(runs, torn, files);
  }

  /** How many times {@code key} ran. */
  int runs(String key) {
    return runs.getOrDefault(key, 0);
  }

  /** The keys that ran at least once. */
  Set<String> keys() {
    return runs.keySet();
  }

  /** Runs beyond the first, over all keys. */
  long duplicates() {
    long total = 0;
    for (int n : runs.values()) {
      total += n - 1;
    }
    return total;
  }

  /** Keys that ran more than once. */
  long keysRunTwiceOrMore() {
    return runs.values().stream().filter(n -> n > 1).count();
  }

  /** Lines that did not end with a newline. */
  long tornLines() {
    return tornLines;
  }

  /** Result files read (one per child process that ran its setup). */
  int files() {
    return files;
  }
}
