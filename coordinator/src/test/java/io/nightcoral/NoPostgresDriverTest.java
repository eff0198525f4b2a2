package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs in a surefire execution whose class path has no PostgreSQL driver at all. */
class NoPostgresDriverTest {
  @TempDir Path dir;

  @Test
  void theSqlitePathRunsWithoutTheDriver() throws Exception {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.postgresql.Driver"));
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class).databaseFile(dir.resolve("plain.db")).build()) {
      nc.launch(TestHandler.class, 1);
      nc.addTimer(Duration.ofMillis(20), new TestJob("count", 1));
      assertEquals(
          new TestJob("square", 16), Await.get(nc.addQuery(new TestJob("square", 4)).reply()));
      Await.await().until(() -> nc.stats().retired() == 2);
    }
    try (NightCoralReader reader = NightCoralReader.open(dir.resolve("plain.db"))) {
      assertEquals(0, reader.counts().queued());
    }
  }

  @Test
  void aDatabaseUrlWithoutTheDriverFailsClearly() {
    NightCoralBuilder<TestJob> builder =
        NightCoral.builder(TestJob.class)
            .databaseUrl("jdbc:postgresql://127.0.0.1:1/none?user=u&password=secret");
    NightCoralException e = assertThrows(NightCoralException.class, builder::build);
    assertTrue(e.getMessage().contains("org.postgresql:postgresql"), e.getMessage());
    assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    NightCoralException reader =
        assertThrows(
            NightCoralException.class,
            () -> NightCoralReader.openUrl("jdbc:postgresql://127.0.0.1:1/none"));
    assertTrue(reader.getMessage().contains("org.postgresql:postgresql"), reader.getMessage());
  }
}
