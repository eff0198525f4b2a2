package io.nightcoral.examples.boot;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.NightCoral;
import io.nightcoral.examples.handlers.Job;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's executable jar, started with {@code java -jar} as a process of its own: jobs over HTTP
 * run in its children, a child killed with {@code kill -9} costs nothing, health and meters are
 * served, and SIGTERM drains the running job and exits 0 with no child left.
 */
class SpringBootDemoIT {
  private static final Duration START_LIMIT = Duration.ofSeconds(120);
  private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private Process app;
  private String base;

  @AfterEach
  void stopApp() {
    if (app != null && app.isAlive()) {
      app.descendants().forEach(ProcessHandle::destroyForcibly);
      app.destroyForcibly();
    }
  }

  @Test
  void jobsRunInChildrenSurviveAKilledChildAndSigtermDrainsThem() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    start(data);
    assertEquals(3, stats().get("workers").asInt());

    // jobs added over HTTP run in the app's children
    post("/jobs?copies=5", "{\"task\":\"count\",\"value\":100}");
    waitFor().until(() -> log().contains("counts 104") && idle(stats()));
    for (int i = 100; i <= 104; i++) {
      assertTrue(log().contains("counts " + i), "job " + i + " ran");
    }
    Matcher counted = Pattern.compile("\\(pid (\\d+)\\) counts 10\\d").matcher(log());
    assertTrue(counted.find());
    assertTrue(isChildOfApp(Long.parseLong(counted.group(1))), "ran in a child of the app");
    assertEquals(49, JSON.readTree(get("/square/7")).get("value").asInt());

    // kill -9 of the child running a job: the job runs again, the pool is full again
    long died = stats().get("died").asLong();
    long retired = stats().get("retired").asLong();
    post("/jobs", "{\"task\":\"slow\",\"value\":1500}");
    long first = takeSlowNote(data);
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    long second = takeSlowNote(data); // the job started again, in another child
    assertTrue(second != first && isChildOfApp(second), first + " then " + second);
    waitFor()
        .until(
            () -> {
              JsonNode s = stats();
              return idle(s)
                  && s.get("retired").asLong() == retired + 1
                  && s.get("workers").asInt() == 3
                  && s.get("died").asLong() == died + 1;
            });

    // health and meters
    JsonNode health = JSON.readTree(get("/actuator/health"));
    assertEquals("UP", health.get("status").asText());
    assertEquals("UP", health.at("/components/nightcoral/status").asText());
    assertEquals(3, health.at("/components/nightcoral/details/workers").asInt());
    String prometheus = get("/actuator/prometheus");
    for (String meter :
        List.of(
            "nightcoral_pool_workers", "nightcoral_queue_size", "nightcoral_pool_jobs_retired")) {
      assertTrue(prometheus.contains(meter), meter + " in\n" + prometheus);
    }

    // SIGTERM while a job runs: it finishes, the app exits 0, and no child is left
    post("/jobs", "{\"task\":\"slow\",\"value\":2000}");
    long running = takeSlowNote(data);
    List<ProcessHandle> children = app.children().toList(); // the class-data training run too
    assertTrue(children.size() >= 3, children.toString());
    app.destroy(); // SIGTERM
    assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the app exits");
    assertEquals(0, app.exitValue(), log());
    for (ProcessHandle child : children) {
      assertFalse(child.isAlive(), "child " + child.pid() + " outlived the app");
    }
    assertFalse(log().contains("(pid " + running + ") was killed"), log());
    try (NightCoral<Job> after =
        NightCoral.builder(Job.class).databaseFile(data.resolve("nightcoral.db")).build()) {
      assertEquals(0, after.stats().queued(), "the job running at SIGTERM finished:\n" + log());
      assertEquals(0, after.stats().dead());
    }
  }

  private void start(Path data) throws Exception {
    Path jar = Path.of(System.getProperty("demo.jar"));
    app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-jar",
                jar.toString(),
                "--server.port=0",
                "--nightcoral.database-file=" + data.resolve("nightcoral.db"),
                "--nightcoral.worker-config.pidDir=" + data)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile().toFile())
            .start();
    await()
        .atMost(START_LIMIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !app.isAlive() || PORT.matcher(log()).find());
    Matcher port = PORT.matcher(log());
    assertTrue(port.find(), "the app did not start:\n" + log());
    base = "http://127.0.0.1:" + port.group(1);
    waitFor().until(() -> log().contains("Started DemoApplication"));
  }

  /**
   * Waits for the note {@code slow-<pid>} that the handler leaves when a slow job starts, removes
   * it (so the next start leaves a new one), and returns the pid of the child that runs the job.
   */
  private long takeSlowNote(Path data) throws Exception {
    Path note;
    try {
      note = waitFor().until(() -> slowNote(data), Optional::isPresent).orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no slow job started; stats " + stats(), e);
    }
    Files.delete(note);
    return Long.parseLong(note.getFileName().toString().substring("slow-".length()));
  }

  private static Optional<Path> slowNote(Path data) throws IOException {
    try (Stream<Path> files = Files.list(data)) {
      return files.filter(p -> p.getFileName().toString().startsWith("slow-")).findFirst();
    }
  }

  private static boolean idle(JsonNode stats) {
    return stats.get("queued").asLong() == 0 && stats.get("running").asLong() == 0;
  }

  private boolean isChildOfApp(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(ProcessHandle::parent)
        .map(p -> p.pid() == app.pid())
        .orElse(false);
  }

  private JsonNode stats() throws Exception {
    return JSON.readTree(get("/stats"));
  }

  private String get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private String post(String path, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private String send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), response.uri() + ": " + response.body());
    return response.body();
  }

  /** The app's output, kept in the build's folder for a look after a failure. */
  private static Path logFile() {
    return Path.of(System.getProperty("demo.log", "spring-boot-demo-it.log"));
  }

  private String log() throws IOException {
    return Files.readString(logFile(), StandardCharsets.UTF_8);
  }

  private static ConditionFactory waitFor() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
  }
}
