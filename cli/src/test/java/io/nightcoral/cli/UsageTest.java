package io.nightcoral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines the command cannot take, and its help and version. */
class UsageTest {
  @TempDir Path dir;

  @Test
  void aBadCommandLineIsAUsageErrorBeforeAnyDatabaseIsOpened() {
    String db = dir.resolve("missing.db").toString();
    for (List<String> args :
        List.of(
            List.<String>of(),
            List.of("stats"),
            List.of("nonsense", "--db", db),
            List.of("stats", "--db", db, "--bogus"),
            List.of("jobs", "--db", db, "--state", "running"),
            List.of("jobs", "--db", db, "--limit", "0"),
            List.of("jobs", "--db", db, "--limit", "1001"),
            List.of("jobs", "--db", db, "--priority", "high"),
            List.of("jobs", "--db", db, "--after", "0"),
            List.of("requeue", "--db", db),
            List.of("requeue", "abc", "--db", db),
            List.of("delete-dead", "0", "--db", db),
            List.of("delete-dead", "1", "2", "--db", db))) {
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(NightCoralCli.USAGE, run.exit(), () -> args + "\n" + run);
      assertEquals("", run.out(), () -> args + "\n" + run);
      assertFalse(run.err().isBlank(), () -> args + "\n" + run);
    }
  }

  @Test
  void aUsageErrorSaysWhatIsWrongAndShowsTheUsage() {
    CliRun run = CliRun.of("jobs", "--db", "x.db", "--limit", "0");
    assertTrue(run.err().startsWith("a page holds 1 to 1000 jobs, was 0"), run::toString);
    assertTrue(run.err().contains("Usage: nightcoral jobs"), run::toString);
  }

  @Test
  void helpAndVersionGoToStdoutWithExitCode0() {
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exit(), help::toString);
    assertTrue(help.out().contains("delete-dead"), help::toString);
    assertTrue(help.out().contains("3   held"), help::toString);
    CliRun commandHelp = CliRun.of("jobs", "--help");
    assertEquals(0, commandHelp.exit(), commandHelp::toString);
    assertTrue(commandHelp.out().contains("--newest-first"), commandHelp::toString);
    CliRun version = CliRun.of("--version");
    assertEquals(0, version.exit(), version::toString);
    assertTrue(version.out().matches("nightcoral \\d+\\.\\d+\\.\\d+.*\\R"), version::toString);
    assertEquals(version, CliRun.of("jobs", "--version"), "every command has --version");
  }
}
