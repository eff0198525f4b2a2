package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a database is found, locked, inspected and opened: one file, one holder, nothing leaked. */
class DatabaseOpeningTest {
  private static final int JOBS = 50;

  @TempDir Path dir;

  private final CountingWorker<String, String> worker = CountingWorker.byText();

  private NightCoral<String> open(Path db) {
    return NightCoral.builderForStrings().databaseFile(db).fakeWorker(worker).build();
  }

  private void runJobsOnceOn(NightCoral<String> nc) {
    for (int i = 0; i < JOBS; i++) {
      nc.add("job " + i);
    }
    nc.launch(1);
    await().until(() -> nc.stats().retired() == JOBS);
    worker.assertEachRanOnce(JOBS);
  }

  private static void assertInUse(NightCoralException e, Path db) {
    assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("in use"), e.getMessage());
  }

  private static void sql(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.executeUpdate(s);
      }
    }
  }

  private List<Path> filesInDir() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(dir::relativize).sorted().toList();
    }
  }

  @Test
  void aSymlinkToTheDatabaseFileIsTheSameDatabase() throws Exception {
    Path db = dir.resolve("jobs.db");
    try (NightCoral<String> first = open(db)) {
      Path link = Files.createSymbolicLink(dir.resolve("link.db"), db);
      assertInUse(
          assertThrows(
              NightCoralException.class,
              () -> NightCoral.builderForStrings().databaseFile(link).build()),
          link);
      SingleProcessTest.assertRefusedByAnotherProcess(link);
      runJobsOnceOn(first);
    }
  }

  @Test
  void aSymlinkToAMissingFileIsRefusedAndNothingIsCreated() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link.db"), dir.resolve("missing.db"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NightCoral.builderForStrings().databaseFile(link).build());
    assertTrue(e.getMessage().contains(link.toString()), e.getMessage());
    assertEquals(List.of(Path.of("link.db")), filesInDir());
  }

  @Test
  void anEmptyFileBecomesADatabase() throws Exception {
    Path db = Files.createFile(dir.resolve("empty.db"));
    try (NightCoral<String> nc = open(db)) {
      runJobsOnceOn(nc);
    }
  }

  @Test
  void aSymlinkedFolderIsRefusedWithoutDroppingTheFirstInstancesLock() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path alias = Files.createSymbolicLink(dir.resolve("alias"), real);
    try (NightCoral<String> first = open(real.resolve("jobs.db"))) {
      Path viaAlias = alias.resolve("jobs.db");
      for (int i = 0; i < 2; i++) {
        assertInUse(
            assertThrows(
                NightCoralException.class,
                () -> NightCoral.builderForStrings().databaseFile(viaAlias).build()),
            viaAlias);
      }
      SingleProcessTest.assertRefusedByAnotherProcess(real.resolve("jobs.db"));
      SingleProcessTest.assertRefusedByAnotherProcess(viaAlias);
      runJobsOnceOn(first);
    }
    NightCoral.builderForStrings().databaseFile(alias.resolve("jobs.db")).build().close();
  }

  @Test
  void aSecondChannelOnTheSameLockFileNeverDropsTheFirstLock() throws Exception {
    Path db = dir.resolve("jobs.db");
    try (NightCoral<String> first = open(db)) {
      // another name for the same lock file: only the file itself can tell them apart
      Path other = dir.resolve("other.db");
      Files.createLink(dir.resolve("other.db.lock"), dir.resolve("jobs.db.lock"));
      assertInUse(
          assertThrows(
              NightCoralException.class,
              () -> NightCoral.builderForStrings().databaseFile(other).build()),
          other);
      SingleProcessTest.assertRefusedByAnotherProcess(db);
      runJobsOnceOn(first);
    }
  }

  @Test
  void aForeignSqliteDatabaseIsLeftByteForByte() throws Exception {
    Path db = dir.resolve("theirs.db");
    sql(
        db,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
        "INSERT INTO notes VALUES (1, 'x')");
    assertRefusedAndUntouched(db, "not NightCoral's");
  }

  @Test
  void aForeignWalDatabaseIsLeftByteForByte() throws Exception {
    Path db = dir.resolve("their notes #1.db");
    sql(db, "PRAGMA journal_mode = WAL", "CREATE TABLE notes (id INTEGER PRIMARY KEY)");
    assertRefusedAndUntouched(db, "not NightCoral's");
  }

  @Test
  void aNewerSchemaVersionIsLeftByteForByte() throws Exception {
    Path db = dir.resolve("future.db");
    sql(db, "CREATE TABLE jobs (id INTEGER PRIMARY KEY)", "PRAGMA user_version = 99");
    assertRefusedAndUntouched(db, "newer");
  }

  @Test
  void aFileCorruptAfterItsSqliteHeaderIsLeftByteForByte() throws Exception {
    Path db = dir.resolve("corrupt.db");
    byte[] bytes = new byte[4096];
    Arrays.fill(bytes, (byte) 0x5a);
    byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, bytes, 0, header.length);
    Files.write(db, bytes);
    assertRefusedAndUntouched(db, "cannot read");
  }

  private void assertRefusedAndUntouched(Path db, String reason) throws Exception {
    byte[] before = Files.readAllBytes(db);
    List<Path> filesBefore = filesInDir();
    NightCoralException e =
        assertThrows(
            NightCoralException.class,
            () -> NightCoral.builderForStrings().databaseFile(db).build());
    assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(db));
    assertFalse(Files.exists(dir.resolve(db.getFileName() + ".lock")));
    assertEquals(filesBefore, filesInDir());
    // and the refusal held nothing: a good database there opens at once
    Files.delete(db);
    open(db).close();
  }

  @Test
  void aFailureWhileOpeningReleasesTheDatabase() throws Exception {
    Path db = dir.resolve("jobs.db");
    Path wal = Files.createDirectory(dir.resolve("jobs.db-wal"));
    NightCoralException e = assertThrows(NightCoralException.class, () -> open(db));
    assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    Files.delete(wal);
    try (NightCoral<String> nc = open(db)) {
      runJobsOnceOn(nc);
    }
  }

  @Test
  void aFailedFirstReadReleasesTheDatabase() throws Exception {
    // NightCoral's version, but a table is missing: the lock is taken, then the first read fails
    Path db = dir.resolve("broken.db");
    sql(
        db,
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL,"
            + " due_at INTEGER NOT NULL, created_at INTEGER NOT NULL,"
            + " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)",
        "PRAGMA user_version = 1");
    NightCoralException e = assertThrows(NightCoralException.class, () -> open(db));
    assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    sql(
        db,
        "CREATE TABLE dead_jobs (id INTEGER PRIMARY KEY, payload TEXT NOT NULL,"
            + " attempts INTEGER NOT NULL, last_error TEXT, died_at INTEGER NOT NULL)");
    try (NightCoral<String> nc = open(db)) {
      runJobsOnceOn(nc);
    }
  }
}
