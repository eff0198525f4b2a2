package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
  @TempDir Path dir;

  /** Jackson cannot write this: it has no properties. */
  static final class Opaque {}

  private NightCoral<TestJob> open() {
    return NightCoral.builder(TestJob.class).databaseFile(dir.resolve("bad.db")).build();
  }

  @Test
  void badJobsAreRefusedBeforeAnythingIsStored() {
    try (NightCoral<TestJob> nc = open()) {
      nc.add(new TestJob("kept", 1));
      assertThrows(NullPointerException.class, () -> nc.add(null));
      assertThrows(
          NullPointerException.class, () -> nc.addAll(Arrays.asList(new TestJob("a", 2), null)));
      assertThrows(NullPointerException.class, () -> nc.addTimer(null, new TestJob("a", 3)));
      assertThrows(NullPointerException.class, () -> nc.addTimerAt(null, new TestJob("a", 3)));
      IllegalArgumentException negative =
          assertThrows(
              IllegalArgumentException.class,
              () -> nc.addTimer(Duration.ofMillis(-1), new TestJob("a", 4)));
      assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
      assertEquals(1, nc.stats().queued());
      assertEquals(0, nc.stats().timers());
    }
  }

  @Test
  void aJobJacksonCannotWriteIsRefused() {
    try (NightCoral<Opaque> nc =
        NightCoral.builder(Opaque.class).databaseFile(dir.resolve("o.db")).build()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> nc.add(new Opaque()));
      assertTrue(e.getMessage().contains("JSON"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> nc.addAll(List.of(new Opaque())));
      assertEquals(0, nc.stats().queued());
    }
  }

  @Test
  void aMissingFolderIsCreated() {
    Path db = dir.resolve("a/b/c/jobs.db");
    try (NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      nc.add(new TestJob("x", 1));
    }
    assertTrue(Files.isRegularFile(db));
  }

  @Test
  void aFolderIsNotADatabase() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NightCoral.builder(TestJob.class).databaseFile(dir).build());
    assertTrue(e.getMessage().contains("folder"), e.getMessage());
  }

  @Test
  void aFileThatIsNotSqliteIsLeftUntouched() throws Exception {
    Path file = dir.resolve("notes.txt");
    byte[] text = "these are my notes, not a database\n".getBytes(StandardCharsets.UTF_8);
    Files.write(file, text);
    NightCoralException e =
        assertThrows(
            NightCoralException.class,
            () -> NightCoral.builder(TestJob.class).databaseFile(file).build());
    assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertArrayEquals(text, Files.readAllBytes(file));
    // and the failed attempt held nothing: a real database there opens fine afterwards
    Files.delete(file);
    NightCoral.builder(TestJob.class).databaseFile(file).build().close();
  }

  @Test
  void badOptionsFailAndNameTheOption() {
    NightCoralBuilder<TestJob> b = NightCoral.builder(TestJob.class);
    assertThrows(IllegalStateException.class, b::build);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.cacheJobs(0))
            .getMessage()
            .contains("cacheJobs"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.maxAttempts(0))
            .getMessage()
            .contains("maxAttempts"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.replyTimeout(Duration.ZERO))
            .getMessage()
            .contains("replyTimeout"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .getMessage()
            .contains("retryBackoff"));
    assertThrows(NullPointerException.class, () -> b.jobTimeout(null));
    assertThrows(IllegalArgumentException.class, () -> NightCoral.builder(String.class));
  }

  @Test
  void aClosedInstanceRefusesWorkAndKeepsWhatWasStored() {
    NightCoral<TestJob> nc = open();
    QueuedJob kept = nc.add(new TestJob("kept", 1));
    nc.close();
    nc.close();
    NightCoralException e =
        assertThrows(NightCoralException.class, () -> nc.add(new TestJob("late", 2)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(NightCoralException.class, kept::delete);
    assertThrows(NightCoralException.class, nc::idle);
    assertThrows(NightCoralException.class, () -> nc.launch("x", 1));
    try (NightCoral<TestJob> again = open()) {
      assertEquals(1, again.stats().queued());
    }
  }

  @Test
  void aTimerAtAnInstantBeforeTheEpochStillFiresAtOnce() {
    try (NightCoral<TestJob> nc = open()) {
      nc.addTimerAt(Instant.EPOCH.minusSeconds(5), new TestJob("ancient", 1));
      assertEquals(1, nc.stats().queued());
    }
  }
}
