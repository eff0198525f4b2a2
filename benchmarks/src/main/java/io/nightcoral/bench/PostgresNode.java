package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A coordinator JVM of the PostgreSQL benchmarks. It opens the database, prints {@code READY}, and
 * on the line {@code GO} on its stdin either launches its children and prints {@code LAUNCHED}
 * ({@code burn}) or adds its jobs and prints {@code ADDED} ({@code add}); when its stdin ends it
 * closes and exits.
 *
 * <p>Arguments: JDBC URL, then {@code burn <children>} or {@code add <threads> <adds per thread>}.
 */
public final class PostgresNode {
  /** Adds per thread before {@code READY}, to warm up the connection and the code. */
  static final int WARM_UP_ADDS = 200;

  private PostgresNode() {}

  /** Runs the coordinator; see the class description for the arguments and the output. */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    boolean burn = args[1].equals("burn");
    int count = Integer.parseInt(args[2]);
    int perThread = burn ? 0 : Integer.parseInt(args[3]);
    BenchJob job = BenchJob.of(BenchJob.NOOP);
    try (NightCoral<BenchJob> nc = NightCoral.builder(BenchJob.class).databaseUrl(url).build();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      if (!burn) {
        addFromThreads(nc, job, count, WARM_UP_ADDS);
      }
      System.out.println("READY");
      System.out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("GO") && burn) {
          nc.launch(BenchHandler.class, count);
          System.out.println("LAUNCHED");
        } else if (line.equals("GO")) {
          addFromThreads(nc, job, count, perThread);
          System.out.println("ADDED");
        }
        System.out.flush();
      }
    }
    System.exit(0);
  }

  private static void addFromThreads(NightCoral<BenchJob> nc, BenchJob job, int threads, int adds)
      throws Exception {
    Workload.concurrently(
        threads,
        () -> {
          for (int i = 0; i < adds; i++) {
            nc.add(job);
          }
          return null;
        });
  }
}
