package io.nightcoral.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the handlers recorded in a results folder (see {@link ChaosHandler}): each start of a job,
 * with the id and attempt the child noted, and each run that finished.
 */
final class RanJobs {
  static final String FILE_PREFIX = "ran-";

  /**
   * One start of a job's handler.
   *
   * @param key the job's key
   * @param id the job's id, as the child noted it (0 if it could not read its start record)
   * @param attempt the attempt, as the child noted it (0 if it could not read its start record)
   * @param nanos {@link System#nanoTime()} in the child when the handler started
   */
  record Start(String key, long id, int attempt, long nanos) {}

  private final Map<String, Integer> done = new HashMap<>();
  private final Map<String, List<String>> doneIn = new HashMap<>();
  private final Map<String, List<Start>> starts = new HashMap<>();
  private final Map<Long, Set<Integer>> attemptsById = new HashMap<>();
  private final Map<Long, String> keyById = new HashMap<>();
  private long startCount;
  private long doneCount;
  private long unnoted;
  private long malformed;
  private long tornLines;
  private int files;

  private RanJobs() {}

  /** Reads every {@code ran-*.txt} file in {@code dir}. */
  static RanJobs read(Path dir) throws IOException {
    RanJobs ran = new RanJobs();
    if (!Files.isDirectory(dir)) {
      return ran;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path file : (Iterable<Path>) list::iterator) {
        if (!file.getFileName().toString().startsWith(FILE_PREFIX)) {
          continue;
        }
        ran.files++;
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
          ran.add(text.substring(start, end), file.getFileName().toString());
          start = end + 1;
        }
        if (start < text.length()) {
          ran.tornLines++; // a line without its newline: the write was not atomic
        }
      }
    }
    return ran;
  }

  private void add(String line, String file) {
    String[] f = line.split(" ");
    try {
      if (f.length == 5 && f[0].equals("S")) {
        Start s =
            new Start(f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]));
        starts.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
        startCount++;
        if (s.id() == 0) {
          unnoted++;
        } else {
          attemptsById.computeIfAbsent(s.id(), k -> new TreeSet<>()).add(s.attempt());
          keyById.put(s.id(), s.key());
        }
        return;
      }
      if (f.length == 4 && f[0].equals("D")) {
        done.merge(f[1], 1, Integer::sum);
        doneIn.computeIfAbsent(f[1], k -> new ArrayList<>()).add(file);
        doneCount++;
        return;
      }
    } catch (NumberFormatException e) {
      // counted below
    }
    malformed++;
  }

  /** How many runs of {@code key} finished. */
  int runs(String key) {
    return done.getOrDefault(key, 0);
  }

  /** The names of the files that recorded each finished run of {@code key}. */
  List<String> filesOf(String key) {
    return doneIn.getOrDefault(key, List.of());
  }

  /** The pid of the child that wrote result file {@code file} ({@code ran-<pid>-w<n>.txt}). */
  static long pidOf(String file) {
    int dash = file.indexOf('-', FILE_PREFIX.length());
    return Long.parseLong(file.substring(FILE_PREFIX.length(), dash));
  }

  /** The keys with at least one finished run. */
  Set<String> keys() {
    return done.keySet();
  }

  /** Finished runs beyond the first, over all keys: runs of a job that had already succeeded. */
  long duplicates() {
    long total = 0;
    for (int n : done.values()) {
      total += n - 1;
    }
    return total;
  }

  /** Keys with more than one finished run. */
  long keysRunTwiceOrMore() {
    return done.values().stream().filter(n -> n > 1).count();
  }

  /** Starts without a finished run: handlers cut short (their child was killed). */
  long interrupted() {
    return Math.max(0, startCount - doneCount);
  }

  /** Finished runs recorded. */
  long finished() {
    return doneCount;
  }

  /** Handler starts recorded. */
  long starts() {
    return startCount;
  }

  /** The starts of {@code key}, in file order per child. */
  List<Start> startsOf(String key) {
    return starts.getOrDefault(key, List.of());
  }

  /** The attempts of job {@code id} that a handler saw start. */
  Set<Integer> attemptsOf(long id) {
    return attemptsById.getOrDefault(id, Set.of());
  }

  /** The ids of jobs whose handler started at least once. */
  Set<Long> ids() {
    return attemptsById.keySet();
  }

  /** The key of job {@code id}, or null if no handler saw it. */
  String keyOf(long id) {
    return keyById.get(id);
  }

  /** Starts whose child could not read its start record (id and attempt unknown). */
  long unnoted() {
    return unnoted;
  }

  /** Lines that are neither a start nor a finish line. */
  long malformed() {
    return malformed;
  }

  /** Lines that did not end with a newline. */
  long tornLines() {
    return tornLines;
  }

  /** Result files read (one per child process that ran its setup). */
  int files() {
    return files;
  }

  /** The problems of the files themselves: torn, malformed or unnoted lines. */
  List<String> fileProblems() {
    List<String> problems = new ArrayList<>();
    if (tornLines > 0) {
      problems.add(tornLines + " torn lines in the result files");
    }
    if (malformed > 0) {
      problems.add(malformed + " malformed lines in the result files");
    }
    if (unnoted > 0) {
      problems.add(unnoted + " handler starts found no job in their child's start record");
    }
    return problems;
  }
}
