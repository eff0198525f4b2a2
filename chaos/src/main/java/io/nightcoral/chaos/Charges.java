package io.nightcoral.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that no job was charged an attempt that never started.
 *
 * <p>A job's attempts are numbered from 1, and attempt {@code n} is handed out only after attempts
 * 1 to {@code n-1} were charged. So a handler that starts attempt {@code n} shows that {@code n-1}
 * attempts were charged before it, and a dead job's {@code attempts} are all it was charged. Each
 * of those attempts must have started: a handler recorded its start, or a child noted it in its
 * start record (read by the runner when the child was killed before its handler wrote its line).
 */
final class Charges {
  private final List<String> unstarted = new ArrayList<>();
  private final Set<Long> jobs = new HashSet<>();

  private Charges() {}

  /**
   * Checks every job seen by a handler or dead.
   *
   * @param ran what the handlers recorded
   * @param notes attempts children noted as started, read from their start records
   * @param deadAttempts the attempts of each dead job, by id
   * @param deadKeys the key of each dead job, by id
   */
  static Charges check(
      RanJobs ran,
      Collection<StartNotes.Note> notes,
      Map<Long, Integer> deadAttempts,
      Map<Long, String> deadKeys) {
    Map<Long, Set<Integer>> noted = new HashMap<>();
    for (StartNotes.Note n : notes) {
      noted.computeIfAbsent(n.id(), k -> new HashSet<>()).add(n.attempt());
    }
    Set<Long> ids = new TreeSet<>(ran.ids());
    ids.addAll(deadAttempts.keySet());
    Charges charges = new Charges();
    for (long id : ids) {
      Set<Integer> seen = ran.attemptsOf(id);
      Integer dead = deadAttempts.get(id);
      int charged =
          dead != null ? dead : seen.stream().mapToInt(Integer::intValue).max().orElse(1) - 1;
      for (int a = 1; a <= charged; a++) {
        if (!seen.contains(a) && !noted.getOrDefault(id, Set.of()).contains(a)) {
          String key = ran.keyOf(id) != null ? ran.keyOf(id) : deadKeys.get(id);
          charges.unstarted.add(
              "job " + id + " (" + key + ") was charged attempt " + a + ", which never started");
          charges.jobs.add(id);
        }
      }
    }
    return charges;
  }

  /** Jobs charged at least one attempt that never started. */
  int jobs() {
    return jobs.size();
  }

  /** One line per attempt charged without a start. */
  List<String> unstarted() {
    return unstarted;
  }
}
