package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.JobOptions;
import io.nightcoral.testpg.PgServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console of a NightCoral on PostgreSQL: its figures, pages and a change, over real HTTP. */
class ConsolePostgresTest {
  private static final String TOKEN = "correct horse battery staple";

  @Test
  void showsAndChangesWhatAPostgresNightCoralHolds() throws Exception {
    try (TestQueue q = new TestQueue(PgServer.newDatabase(), 1);
        NightCoralConsole console =
            NightCoralConsole.builder(q.nc)
                .bind("127.0.0.1", 0)
                .token(TOKEN)
                .sampleInterval(Duration.ofMillis(100))
                .start()) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long dead = q.deadJob("on postgres");
      long keyed = q.nc.add("keyed job", JobOptions.key("k-1")).id();
      await().until(() -> q.ran.contains("keyed job"));
      long timer = q.nc.addTimer(Duration.ofHours(1), "a timer").id();

      await().until(() -> client.getJson("overview.json").get("stats").get("timers").asLong() == 1);
      JsonNode stats = client.getJson("overview.json").get("stats");
      assertEquals(1, stats.get("dead").asLong());
      assertEquals(1, stats.get("workers").asLong());
      JsonNode jobs = client.getJson("jobs.json").get("jobs");
      assertEquals(1, jobs.size(), jobs.toString());
      assertEquals(timer, jobs.get(0).get("id").asLong());
      assertEquals("TIMER", jobs.get(0).get("state").asText());
      assertTrue(keyed < timer);
      JsonNode one = client.getJson("dead/" + dead + ".json");
      assertTrue(one.get("lastError").asText().contains("cannot do fail on postgres"));
      for (String page :
          new String[] {"", "jobs", "workers", "dead", "dead/" + dead, "schedules"}) {
        assertEquals(200, client.get(page).statusCode(), page);
      }

      ConsoleClient.Login login = client.login(TOKEN);
      q.failing.set(false);
      assertEquals(200, client.change("dead/requeue", Map.of("id", "" + dead), login).statusCode());
      await().until(() -> q.ran.contains("fail on postgres"));
      assertTrue(q.nc.deadJobs().isEmpty());
    }
  }
}
