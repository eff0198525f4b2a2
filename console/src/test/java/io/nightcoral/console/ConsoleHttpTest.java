package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.JobOptions;
import io.nightcoral.Schedule;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every page and JSON endpoint over real HTTP, against a real NightCoral on a SQLite file. */
class ConsoleHttpTest {
  @TempDir Path dir;

  @Test
  void everyJsonEndpointShowsWhatTheNightCoralHolds() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console =
            NightCoralConsole.builder(q.nc)
                .bind("127.0.0.1", 0)
                .sampleInterval(Duration.ofMillis(100))
                .start()) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long dead = q.deadJob("the dead one");
      long blocked = q.nc.add("block").id();
      await().until(() -> q.nc.stats().running() == 1);
      long keyed = q.nc.add("keyed job", JobOptions.key("k-1")).id();
      long timer = q.nc.addTimer(Duration.ofHours(1), "a timer").id();
      q.nc.schedule("nightly", Schedule.cron("0 3 * * *"), "report");

      await().until(() -> client.getJson("overview.json").get("points").size() >= 2);
      JsonNode overview = client.getJson("overview.json");
      assertEquals(1, overview.get("stats").get("running").asLong());
      assertEquals(1, overview.get("stats").get("dead").asLong());
      assertEquals(1, overview.get("stats").get("timers").asLong());
      assertEquals(100, overview.get("sampleIntervalMillis").asLong());
      JsonNode point = overview.get("points").get(0);
      assertTrue(
          point.has("at") && point.has("retiredPerSecond") && point.has("queued"),
          point.toString());

      JsonNode jobs = client.getJson("jobs.json");
      assertEquals(List.of(blocked, keyed, timer), ids(jobs.get("jobs"), "id"));
      assertEquals("RUNNING", jobs.get("jobs").get(0).get("state").asText());
      assertEquals("block", jobs.get("jobs").get(0).get("payload").asText());
      assertTrue(jobs.get("next").isNull());
      assertEquals(List.of(keyed), ids(client.getJson("jobs.json?key=k-1").get("jobs"), "id"));
      assertEquals(List.of(timer), ids(client.getJson("jobs.json?state=timer").get("jobs"), "id"));
      assertEquals(
          List.of(timer, keyed),
          ids(client.getJson("jobs.json?order=newest&limit=2").get("jobs"), "id"));
      JsonNode firstPage = client.getJson("jobs.json?limit=2");
      assertEquals(keyed, firstPage.get("next").asLong());
      assertEquals(
          List.of(timer),
          ids(client.getJson("jobs.json?limit=2&after=" + keyed).get("jobs"), "id"));

      JsonNode workers = client.getJson("workers.json").get("workers");
      assertEquals(1, workers.size());
      assertEquals("BUSY", workers.get(0).get("state").asText());
      assertEquals(blocked, workers.get(0).get("jobId").asLong());

      JsonNode deadJobs = client.getJson("dead.json").get("deadJobs");
      assertEquals(List.of(dead), ids(deadJobs, "id"));
      JsonNode one = client.getJson("dead/" + dead + ".json");
      assertEquals("fail the dead one", one.get("payload").asText());
      assertTrue(
          one.get("lastError").asText().contains("cannot do fail the dead one"), one.toString());
      assertTrue(one.get("lastError").asText().contains("\tat "), "with its stack: " + one);

      JsonNode schedule = client.getJson("schedules.json").get("schedules").get(0);
      assertEquals("nightly", schedule.get("name").asText());
      assertEquals("report", schedule.get("payload").asText());
      assertTrue(schedule.get("nextRun").asText().endsWith("Z"), schedule.toString());
    }
  }

  @Test
  void everyPageLoadsAndAnUnknownOneIsNotFound() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = NightCoralConsole.builder(q.nc).bind("127.0.0.1", 0).start()) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long dead = q.deadJob("shown");
      for (String page : List.of("", "jobs", "workers", "dead", "dead/" + dead, "schedules")) {
        HttpResponse<String> r = client.get(page);
        assertEquals(200, r.statusCode(), page);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page);
        assertTrue(r.body().contains("<h1>"), page);
        assertEquals(
            ConsoleHandler.CSP, r.headers().firstValue("Content-Security-Policy").orElse(""), page);
      }
      assertTrue(client.get("dead/" + dead).body().contains("\tat "), "the stack is shown");
      assertEquals(200, client.get("assets/console.js").statusCode());
      assertEquals(200, client.get("assets/console.css").statusCode());
      assertEquals(404, client.get("nothing-here").statusCode());
      assertEquals(404, client.get("dead/" + (dead + 1000)).statusCode());
      assertEquals(404, client.get("dead/" + (dead + 1000) + ".json").statusCode());
      assertEquals(400, client.get("jobs?state=sleeping").statusCode());
      assertEquals(400, client.get("jobs.json?limit=0").statusCode());
      assertTrue(
          client.get("jobs?priority=high").body().contains("priority must be a whole number"));
    }
  }

  @Test
  void aStandaloneConsoleListensOnLoopbackUnlessToldOtherwise() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console =
            NightCoralConsole.builder(q.nc)
                .bind(NightCoralConsoleBuilder.DEFAULT_HOST, 0)
                .start()) {
      assertEquals("127.0.0.1", console.address().getAddress().getHostAddress());
      assertTrue(
          console.uri().toString().startsWith("http://127.0.0.1:"), console.uri().toString());
      assertEquals("127.0.0.1", NightCoralConsoleBuilder.DEFAULT_HOST);
    }
  }

  @Test
  void theDefaultAddressIsLoopback() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1)) {
      NightCoralConsole console;
      try {
        console = NightCoralConsole.builder(q.nc).start(); // 127.0.0.1:7878
      } catch (java.io.UncheckedIOException busy) {
        Assumptions.abort("another program holds port 7878: " + busy.getMessage());
        return;
      }
      try (console) {
        assertEquals(
            new InetSocketAddress("127.0.0.1", NightCoralConsoleBuilder.DEFAULT_PORT),
            console.address());
      }
    }
  }

  @Test
  void aRequestNamingAnotherHostIsRefusedOnLoopback() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = NightCoralConsole.builder(q.nc).bind("127.0.0.1", 0).start()) {
      assertTrue(rawStatusLine(console, "evil.example").contains(" 421 "));
      assertTrue(rawStatusLine(console, "127.0.0.1.evil.example").contains(" 421 "));
      assertTrue(
          rawStatusLine(console, "localhost:" + console.address().getPort()).contains(" 200 "));
      assertTrue(rawStatusLine(console, "127.0.0.1").contains(" 200 "));
    }
  }

  @Test
  void badOptionsFailAtOnceNamingTheOption() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1)) {
      NightCoralConsoleBuilder b = NightCoralConsole.builder(q.nc);
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> b.token("short"))
              .getMessage()
              .contains("token"));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> b.bind("127.0.0.1", 70_000))
              .getMessage()
              .contains("port"));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> b.bind(" ", 1))
              .getMessage()
              .contains("host"));
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class, () -> b.sampleInterval(Duration.ofMillis(10)))
              .getMessage()
              .contains("sampleInterval"));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> b.history(Duration.ofDays(2)))
              .getMessage()
              .contains("history"));
      assertThrows(NullPointerException.class, () -> NightCoralConsole.builder(null));
      NightCoralConsoleBuilder tooMany =
          NightCoralConsole.builder(q.nc)
              .sampleInterval(Duration.ofMillis(100))
              .history(Duration.ofHours(1));
      assertTrue(
          assertThrows(IllegalArgumentException.class, tooMany::start)
              .getMessage()
              .contains("samples"));
    }
  }

  private static String rawStatusLine(NightCoralConsole console, String host) throws Exception {
    try (Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  static List<Long> ids(JsonNode array, String field) {
    List<Long> ids = new java.util.ArrayList<>();
    array.forEach(n -> ids.add(n.get(field).asLong()));
    return ids;
  }
}
