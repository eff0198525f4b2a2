package io.nightcoral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.DatabaseCounts;
import io.nightcoral.DeadJob;
import io.nightcoral.NightCoralReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands against a database that a running server in another JVM holds. */
class HeldDatabaseTest {
  @TempDir static Path dir;
  static Path db;
  static ServerProcess server;

  @BeforeAll
  static void startServer() throws Exception {
    db = dir.resolve("held.db");
    server = ServerProcess.start(db, dir.resolve("server.log"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void statsCountsEachKindOfJobWhileAServerHoldsTheDatabase() {
    CliRun run = run("stats");
    assertEquals(0, run.exit(), run::toString);
    assertEquals(
        List.of(
            "KIND       JOBS",
            "queued     3",
            "timers     1",
            "retrying   1",
            "dead       2",
            "schedules  1"),
        run.lines());
    assertEquals("", run.err());

    JsonNode json = run("stats", "--json").json();
    assertEquals(3, json.get("queued").asLong());
    assertEquals(1, json.get("timers").asLong());
    assertEquals(1, json.get("retrying").asLong());
    assertEquals(2, json.get("dead").asLong());
    assertEquals(1, json.get("schedules").asLong());
  }

  @Test
  void jobsShowsEachUnfinishedJobInATableWithLongTextCutAndInFullAsJson() {
    CliRun run = run("jobs");
    assertEquals(0, run.exit(), run::toString);
    List<String[]> rows = cells(run);
    assertEquals(
        List.of("ID", "STATE", "PRIORITY", "KEY", "DUE", "ATTEMPTS", "JOB", "LAST ERROR"),
        Arrays.asList(rows.get(0)));
    assertEquals(
        List.of("RETRYING", "QUEUED", "QUEUED", "QUEUED", "TIMER"),
        rows.stream().skip(1).map(r -> r[1]).toList());
    assertEquals(
        List.of(
            "flaky", "hold", "waiting-a", HeldServer.LONG_JOB.substring(0, 37) + "...", "later"),
        rows.stream().skip(1).map(r -> r[6]).toList());
    assertEquals("java.lang.IllegalStateException: flaky failed", rows.get(1)[7]);
    assertEquals(List.of("-", "-", "a", "-", "-"), rows.stream().skip(1).map(r -> r[3]).toList());
    Instant.parse(rows.get(1)[4]); // ISO-8601

    JsonNode json = run("jobs", "--json").json();
    assertEquals(5, json.size());
    JsonNode flaky = json.get(0);
    assertEquals("flaky", flaky.get("job").asText());
    assertEquals("RETRYING", flaky.get("state").asText());
    assertEquals(1, flaky.get("attempts").asInt());
    assertTrue(
        flaky.get("lastError").asText().contains("flaky failed\n\tat a line of its stack"),
        flaky::toString);
    assertTrue(Instant.parse(flaky.get("dueAt").asText()).isAfter(Instant.now()));
    Instant.parse(flaky.get("createdAt").asText());
    assertEquals("a", json.get(2).get("key").asText());
    assertEquals(5, json.get(2).get("priority").asInt());
    assertEquals(HeldServer.LONG_JOB, json.get(3).get("job").asText());
    assertTrue(json.get(3).get("key").isNull());
  }

  @Test
  void jobsFiltersByStateKeyAndPriorityAndPagesById() {
    assertEquals(List.of("later"), jobTexts("--state", "timers"));
    assertEquals(List.of("flaky"), jobTexts("--state", "retrying"));
    assertEquals(List.of("hold", "waiting-a", HeldServer.LONG_JOB), jobTexts("--state", "QUEUED"));
    assertEquals(List.of("waiting-a"), jobTexts("--key", "a"));
    assertEquals(List.of("waiting-a"), jobTexts("--priority", "5"));
    assertEquals(List.of(), jobTexts("--key", "none"));
    assertEquals(List.of("no jobs"), run("jobs", "--key", "none").lines());

    CliRun firstPage = run("jobs", "--newest-first", "--limit", "2");
    List<String[]> rows = cells(firstPage);
    assertEquals(4, rows.size(), firstPage::toString); // headings, two jobs, the hint
    assertEquals(List.of("TIMER", "QUEUED"), List.of(rows.get(1)[1], rows.get(2)[1]));
    String lastId = rows.get(2)[0];
    assertEquals(
        "more may follow: --after " + lastId, firstPage.lines().get(firstPage.lines().size() - 1));
    assertEquals(
        List.of("waiting-a", "hold"),
        jobTexts("--newest-first", "--limit", "2", "--after", lastId));
  }

  @Test
  void deadShowsEachDeadJobWithItsErrorsFirstLineAndJsonTheWholeError() {
    List<DeadJob<String>> dead = deadJobs();
    CliRun run = run("dead");
    assertEquals(0, run.exit(), run::toString);
    List<String[]> rows = cells(run);
    assertEquals(List.of("ID", "DIED", "ATTEMPTS", "JOB", "ERROR"), Arrays.asList(rows.get(0)));
    assertEquals(3, rows.size());
    for (int i = 0; i < 2; i++) {
      String[] row = rows.get(i + 1);
      assertEquals(String.valueOf(dead.get(i).id()), row[0]);
      Instant.parse(row[1]);
      assertEquals("1", row[2]);
      assertEquals("fail-" + (i + 1), row[3]);
      assertEquals("java.lang.IllegalStateException: cannot run fail-" + (i + 1), row[4]);
    }

    JsonNode json = run("dead", "--json").json();
    assertEquals(2, json.size());
    assertEquals(dead.get(0).id(), json.get(0).get("id").asLong());
    assertEquals("fail-1", json.get(0).get("job").asText());
    assertEquals(dead.get(0).lastError(), json.get(0).get("lastError").asText());
    assertEquals(dead.get(0).diedAt(), Instant.parse(json.get(0).get("diedAt").asText()));
  }

  @Test
  void schedulesShowsEachRecurringJobWithItsNextRun() {
    CliRun run = run("schedules");
    assertEquals(0, run.exit(), run::toString);
    List<String[]> rows = cells(run);
    assertEquals(
        List.of("NAME", "SCHEDULE", "NEXT RUN", "LAST RUN", "SKIPPED", "JOB"),
        Arrays.asList(rows.get(0)));
    assertEquals(2, rows.size());
    assertEquals("daily-report", rows.get(1)[0]);
    assertEquals("every PT24H", rows.get(1)[1]);
    assertTrue(Instant.parse(rows.get(1)[2]).isAfter(Instant.now()));
    assertEquals(List.of("-", "0", "report"), Arrays.asList(rows.get(1)).subList(3, 6));

    JsonNode json = run("schedules", "--json").json().get(0);
    assertEquals("daily-report", json.get("name").asText());
    assertTrue(json.get("lastRun").isNull());
    Instant.parse(json.get("nextRun").asText());
  }

  @Test
  void requeueAndDeleteDeadAreRefusedWithExitCode3AndChangeNothing() {
    List<DeadJob<String>> dead = deadJobs();
    DatabaseCounts before = counts();
    for (String command : List.of("requeue", "delete-dead")) {
      CliRun run = run(command, String.valueOf(dead.get(0).id()));
      assertEquals(NightCoralCli.HELD, run.exit(), run::toString);
      assertEquals("", run.out());
      assertEquals(
          "nightcoral: database "
              + db
              + " is in use by a running NightCoral; use its console to requeue or delete dead"
              + " jobs",
          run.err().strip());
    }
    assertEquals(dead, deadJobs());
    assertEquals(before, counts());
  }

  private static CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--db", db.toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  /** The table's cells, row by row: columns are two or more spaces apart. */
  private static List<String[]> cells(CliRun run) {
    return run.lines().stream().map(line -> line.split(" {2,}")).toList();
  }

  private static List<String> jobTexts(String... filter) {
    List<String> args = new ArrayList<>(List.of("jobs", "--json"));
    args.addAll(List.of(filter));
    CliRun run = run(args.toArray(String[]::new));
    assertEquals(0, run.exit(), run::toString);
    List<String> texts = new ArrayList<>();
    run.json().forEach(job -> texts.add(job.get("job").asText()));
    return texts;
  }

  private static List<DeadJob<String>> deadJobs() {
    try (NightCoralReader reader = NightCoralReader.open(db)) {
      return reader.deadJobs();
    }
  }

  private static DatabaseCounts counts() {
    try (NightCoralReader reader = NightCoralReader.open(db)) {
      return reader.counts();
    }
  }
}
