package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console mounted as a servlet under a path of a host app, in a real (embedded) Tomcat. */
class ServletTest {
  @TempDir Path dir;

  @Test
  void mountedUnderAPathItsLinksFormsAndCookieStayUnderThatPath() throws Exception {
    try (TestQueue q = new TestQueue(dir, 1)) {
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(dir.resolve("tomcat").toString());
      tomcat.setHostname("127.0.0.1");
      tomcat.setPort(0);
      tomcat.getConnector().setProperty("address", "127.0.0.1");
      Context app = tomcat.addContext("/app", null);
      Tomcat.addServlet(
          app,
          "nightcoral-console",
          NightCoralConsole.builder(q.nc).token(ConsoleSecurityTest.TOKEN).servlet());
      app.addServletMappingDecoded("/ops/console/*", "nightcoral-console");
      tomcat.start();
      try {
        int port = tomcat.getConnector().getLocalPort();
        ConsoleClient host = new ConsoleClient(URI.create("http://127.0.0.1:" + port + "/"));
        HttpResponse<String> bare = host.get("app/ops/console");
        assertEquals(303, bare.statusCode());
        assertEquals("/app/ops/console/", bare.headers().firstValue("Location").orElseThrow());

        ConsoleClient client =
            new ConsoleClient(URI.create("http://127.0.0.1:" + port + "/app/ops/console/"));
        String overview = client.get("").body();
        assertTrue(overview.contains("href=\"/app/ops/console/jobs\""), overview);
        assertTrue(overview.contains("src=\"/app/ops/console/assets/console.js\""), overview);
        assertEquals(200, client.get("assets/console.css").statusCode());
        assertEquals(1, client.getJson("workers.json").get("workers").size());

        long dead = q.deadJob("through the servlet");
        assertEquals(
            403, client.post("dead/requeue", Map.of("id", "" + dead), null, false).statusCode());
        assertFalse(q.ran.contains("fail through the servlet"));

        HttpResponse<String> login =
            client.post("login", Map.of("token", ConsoleSecurityTest.TOKEN), null, false);
        assertEquals("/app/ops/console/", login.headers().firstValue("Location").orElseThrow());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("Path=/app/ops/console/"), cookie);
        ConsoleClient.Login session = client.login(ConsoleSecurityTest.TOKEN);
        assertTrue(
            client
                .get("dead/" + dead, session)
                .body()
                .contains("action=\"/app/ops/console/dead/requeue\""));
        q.failing.set(false);
        HttpResponse<String> requeue =
            client.post(
                "dead/requeue",
                Map.of("id", "" + dead, "csrf", session.csrf()),
                session.cookie(),
                false);
        assertEquals(303, requeue.statusCode());
        assertTrue(
            requeue
                .headers()
                .firstValue("Location")
                .orElseThrow()
                .startsWith("/app/ops/console/dead?"));
        await().until(() -> q.ran.contains("fail through the servlet"));
      } finally {
        tomcat.stop();
        tomcat.destroy();
      }
      await()
          .until(
              () ->
                  Thread.getAllStackTraces().keySet().stream()
                      .noneMatch(t -> t.getName().equals("nightcoral-console-sampler")));
    }
  }
}
