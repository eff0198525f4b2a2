package io.nightcoral.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.DeadJob;
import io.nightcoral.NightCoralReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requeue and delete-dead on a database that no server holds, and the places where none is. */
class ChangeTest {
  @TempDir Path dir;

  @Test
  void onceTheServerStopsRequeueAndDeleteDeadChangeTheDatabase() throws Exception {
    Path db = dir.resolve("free.db");
    List<DeadJob<String>> dead;
    try (ServerProcess server = ServerProcess.start(db, dir.resolve("server.log"))) {
      dead = deadJobs(db);
      assertEquals(2, dead.size());
      String first = String.valueOf(dead.get(0).id());
      assertEquals(NightCoralCli.HELD, CliRun.of("requeue", first, "--db", db.toString()).exit());
      server.stop();
    }
    long first = dead.get(0).id();
    long second = dead.get(1).id();

    CliRun requeue = CliRun.of("requeue", String.valueOf(first), "--db", db.toString());
    assertEquals(0, requeue.exit(), requeue::toString);
    assertEquals(List.of("requeued dead job " + first), requeue.lines());
    assertEquals("", requeue.err());
    JsonNode requeued = CliRun.of("jobs", "--db", db.toString(), "--json").json().get(0);
    assertEquals(first, requeued.get("id").asLong(), "the dead job keeps its id");
    assertEquals("fail-1", requeued.get("job").asText());
    assertEquals("QUEUED", requeued.get("state").asText());
    assertEquals(0, requeued.get("attempts").asInt(), "with a fresh attempt count");
    assertEquals(List.of(second), deadJobs(db).stream().map(DeadJob::id).toList());

    CliRun delete =
        CliRun.of("delete-dead", String.valueOf(second), "--db", db.toString(), "--json");
    assertEquals(0, delete.exit(), delete::toString);
    assertEquals(second, delete.json().get("id").asLong());
    assertTrue(delete.json().get("deleted").asBoolean());
    assertEquals(List.of(), deadJobs(db));
    assertEquals(List.of("no dead jobs"), CliRun.of("dead", "--db", db.toString()).lines());

    for (String command : List.of("requeue", "delete-dead")) {
      CliRun again = CliRun.of(command, String.valueOf(first), "--db", db.toString());
      assertEquals(NightCoralCli.NOT_FOUND, again.exit(), again::toString);
      assertEquals("", again.out());
      assertEquals("nightcoral: no dead job " + first + " in database " + db, again.err().strip());
    }
  }

  @Test
  void aMissingDatabaseIsNotFoundForEveryCommandAndNoneIsCreated() {
    Path db = dir.resolve("missing.db");
    for (String[] args :
        List.of(
            new String[] {"stats"},
            new String[] {"jobs"},
            new String[] {"dead", "--json"},
            new String[] {"schedules"},
            new String[] {"requeue", "1"},
            new String[] {"delete-dead", "1"})) {
      CliRun run = CliRun.of(concat(args, "--db", db.toString()));
      assertEquals(NightCoralCli.NOT_FOUND, run.exit(), run::toString);
      assertEquals("", run.out());
      assertEquals("nightcoral: database " + db + " does not exist", run.err().strip());
    }
    assertFalse(Files.exists(db));
  }

  @Test
  void aFileThatIsNotANightCoralDatabaseIsRefusedAndLeftAsItWas() throws Exception {
    Path file = dir.resolve("notes.db");
    byte[] text = "not a database\n".getBytes(StandardCharsets.UTF_8);
    Files.write(file, text);
    for (String command : List.of("stats", "requeue")) {
      String[] args =
          command.equals("requeue")
              ? new String[] {"requeue", "1", "--db", file.toString()}
              : new String[] {"stats", "--db", file.toString()};
      CliRun run = CliRun.of(args);
      assertEquals(NightCoralCli.NOT_FOUND, run.exit(), run::toString);
      assertTrue(run.err().startsWith("nightcoral: "), run::toString);
      assertEquals("", run.out());
    }
    assertArrayEquals(text, Files.readAllBytes(file));
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static List<DeadJob<String>> deadJobs(Path db) {
    try (NightCoralReader reader = NightCoralReader.open(db)) {
      return reader.deadJobs();
    }
  }
}
