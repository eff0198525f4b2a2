package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.JobFilter;
import io.nightcoral.JobOptions;
import io.nightcoral.JobState;
import io.nightcoral.NightCoral;
import io.nightcoral.Schedule;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every place a job's text, an error, a key or a name reaches a page shows it as text. */
class EscapingTest {
  static final String SCRIPT = "<script>alert(\"x\")</script>";
  static final String ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";

  @TempDir Path dir;

  @Test
  void queuedTimedAndRetryingJobsKeysErrorsAndNamesAreShownAsText() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1, 2);
        NightCoralConsole console = start(q)) {
      ConsoleClient client = new ConsoleClient(console.uri());
      ConsoleClient.Login login = client.login(ConsoleSecurityTest.TOKEN);
      q.nc.add("fail retrying " + SCRIPT); // fails once, then waits an hour to retry
      await().until(() -> !q.nc.jobs(JobFilter.all().state(JobState.RETRYING)).isEmpty());
      q.nc.addTimer(Duration.ofHours(1), "timer " + SCRIPT, JobOptions.key(SCRIPT));
      q.nc.schedule(SCRIPT, Schedule.cron("0 3 * * *"), "scheduled " + SCRIPT);

      assertEscaped(client.get("jobs", login), 4); // two texts, a key, an error
      assertEscaped(client.get("jobs?key=" + enc(SCRIPT), login), 3); // and the filter's field
      assertEscaped(client.get("schedules", login), 4); // name, job, two forms' name fields
      assertEscaped(client.get("schedules?done=ran&name=" + enc(SCRIPT), login), 5); // notice
      assertEscaped(client.get("jobs?state=" + enc(SCRIPT), login), 1); // the error message
      assertEscaped(client.get("nothing" + enc(SCRIPT), login), 1); // the 404 message
      assertFalse(client.get("login?next=" + enc(SCRIPT)).body().contains(SCRIPT));
    }
  }

  @Test
  void aDeadJobsTextAndStackAreShownAsText() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q)) {
      ConsoleClient client = new ConsoleClient(console.uri());
      ConsoleClient.Login login = client.login(ConsoleSecurityTest.TOKEN);
      long dead = q.deadJob(SCRIPT);
      assertEscaped(client.get("dead", login), 2); // its text and its error's first line
      HttpResponse<String> page = client.get("dead/" + dead, login);
      assertEscaped(page, 2); // its text and its stack
      assertTrue(page.body().contains("\tat "), page.body());
    }
  }

  /** A job type whose JSON a string job's text is not. */
  record Task(String name) {}

  @Test
  void whyADeadJobsTextNoLongerDecodesIsShownAsText() throws Exception {
    Path db;
    try (TestQueue strings = new TestQueue(dir, 1)) {
      strings.deadJob(SCRIPT);
      db = dir.resolve("console.db");
    }
    try (NightCoral<Task> tasks = NightCoral.builder(Task.class).databaseFile(db).build();
        NightCoralConsole console =
            NightCoralConsole.builder(tasks)
                .bind("127.0.0.1", 0)
                .token(ConsoleSecurityTest.TOKEN)
                .start()) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long id = tasks.deadJobs().get(0).id();
      assertTrue(tasks.deadJobs().get(0).decodeError() != null);
      HttpResponse<String> page = client.get("dead/" + id, client.login(ConsoleSecurityTest.TOKEN));
      assertTrue(page.body().contains("no longer decodes"), page.body());
      assertEscaped(page, 2);
    }
  }

  private static NightCoralConsole start(TestQueue q) {
    return NightCoralConsole.builder(q.nc)
        .bind("127.0.0.1", 0)
        .token(ConsoleSecurityTest.TOKEN)
        .start();
  }

  private static void assertEscaped(HttpResponse<String> page, int atLeast) {
    String body = page.body();
    assertFalse(body.contains(SCRIPT), "shown as markup: " + body);
    int count = 0;
    for (int i = body.indexOf(ESCAPED); i >= 0; i = body.indexOf(ESCAPED, i + 1)) {
      count++;
    }
    assertTrue(count >= atLeast, "shown " + count + " times, expected " + atLeast + ": " + body);
    assertTrue(List.of(200, 400, 404).contains(page.statusCode()), "" + page.statusCode());
    assertEquals(
        ConsoleHandler.CSP, page.headers().firstValue("Content-Security-Policy").orElseThrow());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
