package io.nightcoral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.DeadJob;
import io.nightcoral.NightCoralReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, run as {@code java -jar} in a process of its own, as a user runs it. */
class RunnableJarIT {
  private static final long LIMIT_SECONDS = 120;

  @TempDir Path dir;

  @Test
  void theJarReadsAHeldDatabaseRefusesChangesThenChangesItOnceTheServerStops() throws Exception {
    Path db = dir.resolve("jar.db");
    long deadId;
    try (ServerProcess server = ServerProcess.start(db, dir.resolve("server.log"))) {
      try (NightCoralReader reader = NightCoralReader.open(db)) {
        deadId = reader.deadJobs().get(0).id();
      }
      CliRun stats = jar("stats", "--db", db.toString());
      assertEquals(0, stats.exit(), stats::toString);
      assertTrue(stats.lines().contains("queued     3"), stats::toString);
      assertTrue(stats.lines().contains("dead       2"), stats::toString);
      assertEquals("", stats.err(), "no log lines, no SLF4J warnings");

      CliRun dead = jar("dead", "--db", db.toString(), "--json");
      assertEquals(0, dead.exit(), dead::toString);
      assertEquals(2, dead.json().size());
      assertEquals("fail-1", dead.json().get(0).get("job").asText());

      CliRun held = jar("requeue", String.valueOf(deadId), "--db", db.toString());
      assertEquals(NightCoralCli.HELD, held.exit(), held::toString);
      assertEquals("", held.out());
      assertTrue(held.err().contains("use its console"), held::toString);
      server.stop();
    }

    CliRun requeue = jar("requeue", String.valueOf(deadId), "--db", db.toString());
    assertEquals(0, requeue.exit(), requeue::toString);
    assertEquals(List.of("requeued dead job " + deadId), requeue.lines());
    assertEquals("", requeue.err(), "opening and closing the database logs nothing");
    try (NightCoralReader reader = NightCoralReader.open(db)) {
      assertEquals(1, reader.deadJobs().size());
      assertTrue(reader.deadJobs().stream().map(DeadJob::id).noneMatch(id -> id == deadId));
    }

    CliRun unknown = jar("delete-dead", "999999", "--db", db.toString());
    assertEquals(NightCoralCli.NOT_FOUND, unknown.exit(), unknown::toString);
    CliRun usage = jar("jobs", "--db", db.toString(), "--limit", "many");
    assertEquals(NightCoralCli.USAGE, usage.exit(), usage::toString);
    CliRun missing = jar("stats", "--db", dir.resolve("missing.db").toString());
    assertEquals(NightCoralCli.NOT_FOUND, missing.exit(), missing::toString);
    CliRun version = jar("--version");
    assertEquals(0, version.exit(), version::toString);
    assertTrue(version.out().matches("nightcoral \\d+\\.\\d+\\.\\d+.*\\R"), version::toString);
  }

  /** Runs {@code java -jar} on the runnable jar with {@code args}. */
  private CliRun jar(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("nightcoral.cli.jar");
    assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "no runnable jar at " + jar);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("java -jar " + String.join(" ", args) + " did not finish");
    }
    return new CliRun(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
