package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.Schedule;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes need the access token (a login) and the session's CSRF token on a POST; anything less is
 * a 403 that changes nothing. A read-only console, or one without a token, takes no change at all.
 */
class ConsoleSecurityTest {
  static final String TOKEN = "correct horse battery staple";

  @TempDir Path dir;

  @Test
  void aLoggedInUserRequeuesDeletesRunsNowAndRemoves() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q, TOKEN, false)) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long requeued = q.deadJob("to requeue");
      long deleted = q.deadJob("to delete");
      q.nc.schedule("hourly", Schedule.cron("0 * * * *"), "hourly job");
      q.nc.schedule("gone", Schedule.cron("0 * * * *"), "gone job");
      ConsoleClient.Login login = client.login(TOKEN);

      q.failing.set(false);
      assertEquals(
          200, client.change("dead/requeue", Map.of("id", "" + requeued), login).statusCode());
      await().until(() -> q.ran.contains("fail to requeue"));
      assertEquals(
          200, client.change("dead/delete", Map.of("id", "" + deleted), login).statusCode());
      assertTrue(q.nc.deadJobs().isEmpty());
      assertEquals(
          404, client.change("dead/delete", Map.of("id", "" + deleted), login).statusCode());

      assertEquals(
          200, client.change("schedules/run", Map.of("name", "hourly"), login).statusCode());
      await().until(() -> q.ran.contains("hourly job"));
      assertEquals(
          200, client.change("schedules/remove", Map.of("name", "gone"), login).statusCode());
      assertEquals(List.of("hourly"), q.nc.schedules().stream().map(s -> s.name()).toList());
      assertEquals(400, client.change("dead/requeue", Map.of("id", "x"), login).statusCode());

      // a form (no JSON asked) is answered with a redirect to its page, which says what was done
      HttpResponse<String> form =
          client.post(
              "schedules/run",
              Map.of("name", "hourly", "csrf", login.csrf()),
              login.cookie(),
              false);
      assertEquals(303, form.statusCode());
      String location = form.headers().firstValue("Location").orElseThrow();
      assertTrue(location.startsWith("/schedules?"), location);
      assertTrue(
          client
              .get(location.substring(1), login)
              .body()
              .contains("The job of schedule hourly is queued."));
    }
  }

  @Test
  void aPostWithoutTheTokenOrWithAWrongOneIsRefusedAndChangesNothing() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q, TOKEN, false)) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long dead = q.deadJob("stays");
      q.nc.schedule("stays", Schedule.cron("0 3 * * *"), "job");

      for (String[] change :
          new String[][] {
            {"dead/requeue", "id", "" + dead},
            {"dead/delete", "id", "" + dead},
            {"schedules/run", "name", "stays"},
            {"schedules/remove", "name", "stays"},
          }) {
        HttpResponse<String> r = client.post(change[0], Map.of(change[1], change[2]), null, false);
        assertEquals(403, r.statusCode(), change[0]);
        assertTrue(r.body().contains("Log in with the access token first."), r.body());
        // a made-up session cookie is no better
        assertEquals(
            403,
            client
                .post(
                    change[0],
                    Map.of(change[1], change[2], "csrf", "x"),
                    Login.COOKIE + "=made-up",
                    true)
                .statusCode());
      }
      HttpResponse<String> wrong = client.post("login", Map.of("token", TOKEN + "!"), null, false);
      assertEquals(403, wrong.statusCode());
      assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
      assertEquals(403, client.post("login", Map.of(), null, true).statusCode());

      assertUnchanged(q, dead, "stays");
    }
  }

  @Test
  void aPostWithAMissingOrWrongCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q, TOKEN, false)) {
      ConsoleClient client = new ConsoleClient(console.uri());
      long dead = q.deadJob("stays");
      q.nc.schedule("stays", Schedule.cron("0 3 * * *"), "job");
      ConsoleClient.Login login = client.login(TOKEN);
      ConsoleClient.Login other = client.login(TOKEN);

      for (Map<String, String> form :
          List.of(
              Map.of("id", "" + dead),
              Map.of("id", "" + dead, "csrf", ""),
              Map.of("id", "" + dead, "csrf", login.csrf() + "x"),
              Map.of("id", "" + dead, "csrf", other.csrf()))) {
        HttpResponse<String> r = client.post("dead/delete", form, login.cookie(), true);
        assertEquals(403, r.statusCode(), form.toString());
        assertTrue(r.body().contains("CSRF"), r.body());
      }
      assertEquals(
          403,
          client
              .post("schedules/remove", Map.of("name", "stays"), login.cookie(), false)
              .statusCode());
      assertEquals(403, client.post("logout", Map.of(), login.cookie(), false).statusCode());
      assertUnchanged(q, dead, "stays");
    }
  }

  @Test
  void theSessionCookieIsHttpOnlyAndStrictAndEndsAtLogout() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q, TOKEN, false)) {
      ConsoleClient client = new ConsoleClient(console.uri());
      HttpResponse<String> r =
          client.post("login", Map.of("token", TOKEN, "next", "/dead"), null, false);
      assertEquals(303, r.statusCode());
      assertEquals("/dead", r.headers().firstValue("Location").orElseThrow());
      String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("; HttpOnly"), cookie);
      assertTrue(cookie.contains("; SameSite=Strict"), cookie);
      assertTrue(cookie.contains("; Path=/;"), cookie);
      HttpResponse<String> elsewhere =
          client.post("login", Map.of("token", TOKEN, "next", "//evil.example/"), null, false);
      assertEquals("/", elsewhere.headers().firstValue("Location").orElseThrow());

      ConsoleClient.Login login = client.login(TOKEN);
      assertTrue(client.get("", login).body().contains("Log out"));
      assertEquals(200, client.change("logout", Map.of(), login).statusCode());
      long dead = q.deadJob("after logout");
      assertEquals(403, client.change("dead/delete", Map.of("id", "" + dead), login).statusCode());
      assertUnchanged(q, dead, null);
    }
  }

  @Test
  void aReadOnlyConsoleHasNoChangesEvenWithTheToken() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q, TOKEN, true)) {
      assertTakesNoChange(q, new ConsoleClient(console.uri()));
    }
  }

  @Test
  void aConsoleWithoutATokenIsReadOnly() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console = start(q, null, false)) {
      assertTakesNoChange(q, new ConsoleClient(console.uri()));
    }
  }

  private static void assertTakesNoChange(TestQueue q, ConsoleClient client) throws Exception {
    long dead = q.deadJob("stays");
    q.nc.schedule("stays", Schedule.cron("0 3 * * *"), "job");
    HttpResponse<String> login = client.post("login", Map.of("token", TOKEN), null, true);
    assertEquals(403, login.statusCode());
    assertTrue(login.headers().firstValue("Set-Cookie").isEmpty());
    assertEquals(404, client.get("login").statusCode());
    for (String path :
        List.of("dead/requeue", "dead/delete", "schedules/run", "schedules/remove")) {
      HttpResponse<String> r =
          client.post(path, Map.of("id", "" + dead, "name", "stays", "csrf", "x"), null, false);
      assertEquals(403, r.statusCode(), path);
      assertTrue(r.body().contains("read-only"), r.body());
    }
    String deadPage = client.get("dead/" + dead).body();
    assertTrue(deadPage.contains("read-only"), deadPage);
    assertFalse(deadPage.contains("<form"), "no change forms: " + deadPage);
    assertFalse(client.get("schedules").body().contains("<form"));
    assertUnchanged(q, dead, "stays");
  }

  private static void assertUnchanged(TestQueue q, long deadId, String schedule) {
    assertTrue(q.nc.deadJobs().stream().anyMatch(d -> d.id() == deadId), "the dead job stays dead");
    assertFalse(q.ran.contains("fail stays"));
    if (schedule != null) {
      assertTrue(q.nc.schedules().stream().anyMatch(s -> s.name().equals(schedule)));
      assertTrue(q.nc.schedules().stream().allMatch(s -> s.lastRun() == null), "no schedule ran");
    }
    assertEquals(0, q.nc.stats().queued());
  }

  private static NightCoralConsole start(TestQueue q, String token, boolean readOnly) {
    NightCoralConsoleBuilder b =
        NightCoralConsole.builder(q.nc).bind("127.0.0.1", 0).readOnly(readOnly);
    if (token != null) {
      b.token(token);
    }
    return b.start();
  }
}
