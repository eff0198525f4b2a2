package io.nightcoral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.NightCoral;
import io.nightcoral.testpg.PgServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on a PostgreSQL database ({@code --url}) while a server runs on it. */
class PostgresCliTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void readsAndRequeuesBesideARunningServer() throws Exception {
    String url = PgServer.newDatabase();
    AtomicBoolean broken = new AtomicBoolean(true);
    List<String> ran = new CopyOnWriteArrayList<>();
    try (NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseUrl(url)
            .maxAttempts(1)
            .fakeWorker(
                job -> {
                  if (broken.get()) {
                    throw new IllegalStateException("cannot run " + job);
                  }
                  ran.add(job);
                  return null;
                })
            .build()) {
      nc.launch(1);
      nc.add("mail-1");
      nc.addTimer(Duration.ofHours(1), "later");
      Awaitility.await().atMost(WAIT).until(() -> nc.deadJobs().size() == 1);
      long id = nc.deadJobs().get(0).id();

      CliRun stats = CliRun.of("stats", "--url", url, "--json");
      assertEquals(0, stats.exit(), stats::toString);
      assertEquals(1, stats.json().get("dead").asInt());
      assertEquals(1, stats.json().get("timers").asInt());
      CliRun dead = CliRun.of("dead", "--url", url, "--json");
      assertEquals(id, dead.json().get(0).get("id").asLong(), dead::toString);

      broken.set(false);
      CliRun requeue = CliRun.of("requeue", String.valueOf(id), "--url", url);
      assertEquals(0, requeue.exit(), requeue::toString);
      assertEquals(List.of("requeued dead job " + id), requeue.lines());
      // the running server hears of the requeued job and runs it
      Awaitility.await().atMost(WAIT).until(() -> ran.contains("mail-1"));
      assertTrue(nc.deadJobs().isEmpty());

      CliRun again = CliRun.of("delete-dead", String.valueOf(id), "--url", url);
      assertEquals(NightCoralCli.NOT_FOUND, again.exit(), again::toString);
      int parameters = url.indexOf('?');
      String shown = parameters < 0 ? url : url.substring(0, parameters);
      assertEquals("nightcoral: no dead job " + id + " in database " + shown, again.err().strip());
    }
  }

  @Test
  void theDatabaseIsEitherAFileOrAUrl() {
    for (String[] args :
        List.of(
            new String[] {"stats"},
            new String[] {"stats", "--db", dir.resolve("a.db").toString(), "--url", "jdbc:x"})) {
      CliRun run = CliRun.of(args);
      assertEquals(NightCoralCli.USAGE, run.exit(), run::toString);
      assertEquals(
          "nightcoral: give the database as either --db FILE or --url JDBC_URL", run.err().strip());
    }
  }
}
