package io.nightcoral.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The servlet API is optional: the standalone console runs without it on the class path (this class
 * runs in a surefire execution of its own that leaves it out).
 */
class NoServletApiTest {
  @TempDir Path dir;

  @Test
  void theStandaloneConsoleRunsWithoutTheServletApi() throws Exception {
    assertThrows(
        ClassNotFoundException.class, () -> Class.forName("jakarta.servlet.http.HttpServlet"));
    try (TestQueue q = new TestQueue(dir, 1);
        NightCoralConsole console =
            NightCoralConsole.builder(q.nc)
                .bind("127.0.0.1", 0)
                .token(ConsoleSecurityTest.TOKEN)
                .start()) {
      ConsoleClient client = new ConsoleClient(console.uri());
      assertEquals(200, client.get("").statusCode());
      assertEquals(1, client.getJson("workers.json").get("workers").size());
      client.login(ConsoleSecurityTest.TOKEN);
    }
  }
}
