package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by the release with schema version 1 opens under version 2, upgraded in one
 * transaction, with every job; one from a newer version is refused and left untouched.
 */
class MigrationTest {
  @TempDir Path dir;

  private Path copyOfVersion1() throws Exception {
    Path db = dir.resolve("v1.db");
    try (InputStream in = getClass().getResourceAsStream("migration/v1-database.db")) {
      Files.copy(in, db);
    }
    return db;
  }

  private static int userVersion(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.getInt(1);
    }
  }

  @Test
  void aVersion1DatabaseOpensWithItsQueuedJobsTimersAndDeadJobs() throws Exception {
    Path db = copyOfVersion1();
    assertEquals(1, userVersion(db));
    Set<String> ran = ConcurrentHashMap.newKeySet();
    try (NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseFile(db)
            .fakeWorker(
                job -> {
                  ran.add(job);
                  return null;
                })
            .build()) {
      assertEquals(3, nc.stats().queued());
      assertEquals(2, nc.stats().timers());
      assertEquals(1, nc.stats().dead());
      DeadJob<String> dead = nc.deadJobs().get(0);
      assertEquals("dead", dead.job());
      assertTrue(dead.lastError().contains("fails for good"), dead.lastError());
      // the new columns work on the old rows
      assertTrue(nc.add("keyed", JobOptions.key("k").withPriority(1)).created());
      nc.launch(1);
      Await.get(nc.idle());
      assertTrue(ran.containsAll(List.of("queued-1", "queued-2", "queued-3", "keyed")), "" + ran);
      assertTrue(nc.requeueDead(dead.id()));
      Await.get(nc.idle());
      assertTrue(ran.contains("dead"));
      assertEquals(2, nc.stats().timers(), "the timers wait for their time");
    }
    assertEquals(2, userVersion(db));
  }

  @Test
  void aDatabaseFromANewerVersionIsRefusedAndLeftUntouched() throws Exception {
    Path db = dir.resolve("newer.db");
    try (NightCoral<String> nc = NightCoral.builderForStrings().databaseFile(db).build()) {
      nc.add("kept");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.executeUpdate("PRAGMA user_version = 3");
    }
    byte[] before = Files.readAllBytes(db);
    NightCoralException refused =
        assertThrows(
            NightCoralException.class,
            () -> NightCoral.builderForStrings().databaseFile(db).build());
    assertTrue(refused.getMessage().contains("version 3"), refused.getMessage());
    assertTrue(refused.getMessage().contains("left untouched"), refused.getMessage());
    assertArrayEquals(before, Files.readAllBytes(db));
  }
}
