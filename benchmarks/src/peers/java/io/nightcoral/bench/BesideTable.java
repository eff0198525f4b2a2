package io.nightcoral.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The "beside the peers" table: a row per scenario, the medians of NightCoral, each peer and the
 * bare-SQLite reference side by side, all from one run.
 */
final class BesideTable {
  /** NightCoral's column. */
  static final String OURS = "NightCoral";

  private static final String REF_SINGLE = "ref: bare SQLite, 1 row per commit";

  /**
   * One row: its label and unit, NightCoral's metric, the peers' metric (after the peer's name),
   * and the reference's metric, if any.
   */
  record Row(String label, String unit, String ours, String peers, String bare) {}

  static final List<Row> ROWS =
      List.of(
          new Row("burn-down, 2 workers", "jobs/s", "burn", "burn", null),
          new Row("enqueue, 1 thread, durable on return", "jobs/s", "add1", "add1", REF_SINGLE),
          new Row("enqueue, 4 threads, durable on return", "jobs/s", "add4", "add4", REF_SINGLE),
          new Row("dispatch latency p50", "ms", "dispatch p50", "dispatch p50", null),
          new Row("dispatch latency p99", "ms", "dispatch p99", "dispatch p99", null),
          new Row("timer lateness p50", "ms", "timers p50", "timers p50", null),
          new Row("timer lateness p99", "ms", "timers p99", "timers p99", null),
          new Row("timer lateness max", "ms", "timers max", "timers max", null),
          new Row("timers fired early", "count", "timers early", "timers early", null));

  private BesideTable() {}

  /** The median of the metric named {@code name} in {@code samples}, if it has samples. */
  static Optional<Double> median(Map<Metric, List<Double>> samples, String name) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().name().equals(name) && !e.getValue().isEmpty())
        .map(e -> Samples.median(e.getValue()))
        .findFirst();
  }

  /** NightCoral's, each peer's and the reference's median of {@code row}, in column order. */
  static List<Optional<Double>> cells(
      Map<Metric, List<Double>> samples, List<Peer> peers, Row row) {
    List<Optional<Double>> cells = new ArrayList<>();
    cells.add(median(samples, row.ours()));
    for (Peer p : peers) {
      cells.add(median(samples, p.name() + " " + row.peers()));
    }
    cells.add(row.bare() == null ? Optional.empty() : median(samples, row.bare()));
    return cells;
  }

  /** The table in Markdown, numbers right-aligned; "-" where a column has no such figure. */
  static String markdown(Map<Metric, List<Double>> samples, List<Peer> peers) {
    List<String[]> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("scenario", "unit", OURS));
    peers.forEach(p -> head.add(p.name()));
    head.add("bare SQLite");
    rows.add(head.toArray(String[]::new));
    for (Row row : ROWS) {
      Metric format = new Metric(row.label(), row.unit(), Target.none());
      List<String> cells = new ArrayList<>(List.of(row.label(), row.unit()));
      cells(samples, peers, row).forEach(c -> cells.add(c.map(format::format).orElse("-")));
      rows.add(cells.toArray(String[]::new));
    }
    int[] width = new int[head.size()];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      out.append('|');
      for (int i = 0; i < width.length; i++) {
        String cell = rows.get(r)[i];
        String pad = " ".repeat(width[i] - cell.length());
        out.append(' ').append(i >= 2 ? pad + cell : cell + pad).append(" |");
      }
      out.append('\n');
      if (r == 0) {
        out.append('|');
        for (int i = 0; i < width.length; i++) {
          out.append(i >= 2 ? "-".repeat(width[i] + 1) + ":|" : "-".repeat(width[i] + 2) + "|");
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
