package io.nightcoral.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFolderTest {
  @TempDir Path dir;

  @Test
  void missingFoldersAreCreatedForThisUserOnlyAndLeftEmpty() throws IOException {
    PrivateFolder folder = PrivateFolder.open(dir.resolve("a/b/c"));
    assertEquals(dir.toRealPath().resolve("a/b/c"), folder.path());
    for (String p : List.of("a", "a/b", "a/b/c")) {
      assertEquals("rwx------", FileOwners.mode(dir.resolve(p)), p);
    }
    try (Stream<Path> files = Files.list(folder.path())) {
      assertEquals(List.of(), files.toList(), "the probe of who we are is gone");
    }
  }

  @Test
  void theDefaultLocationIsPerUserInTheTemporaryFolder() {
    assertEquals(
        Path.of(
                System.getProperty("java.io.tmpdir"),
                "nightcoral-" + System.getProperty("user.name"),
                "jars")
            .toAbsolutePath(),
        PrivateFolder.defaultLocation("jars"));
  }

  @Test
  void aFileIsNotAFolder() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertRefused(file, "not a directory");
  }

  @Test
  void aFolderAboveOwnedByAnotherUserIsRefused() throws IOException {
    Path above = Files.createDirectory(dir.resolve("above"));
    FileOwners.giveToAnotherUser(above);
    assertRefused(above.resolve("cds"), "above it belongs to");
  }

  @Test
  void aStickyFolderAboveOthersCanWriteIsAccepted() throws Exception {
    Path above = Files.createDirectory(dir.resolve("above"));
    Process chmod = new ProcessBuilder("chmod", "1777", above.toString()).start();
    assumeTrue(chmod.waitFor(30, TimeUnit.SECONDS) && chmod.exitValue() == 0, "no chmod here");
    PrivateFolder.open(above.resolve("cds"));
    Files.setPosixFilePermissions(above, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertRefused(above.resolve("cds"), "other users can write in " + above.toRealPath());
  }

  @Test
  void eachCheckLooksAgain() throws IOException {
    PrivateFolder folder = PrivateFolder.open(dir.resolve("cds"));
    folder.check();
    Files.setPosixFilePermissions(folder.path(), PosixFilePermissions.fromString("rwxrwxr-x"));
    IOException e = assertThrows(IOException.class, folder::check);
    assertTrue(e.getMessage().contains("other users can write in it (rwxrwxr-x)"), e.getMessage());
  }

  @Test
  void onlyAFileRightInTheFolderPassesTheFileCheck() throws IOException {
    PrivateFolder folder = PrivateFolder.open(dir.resolve("cds"));
    Path inside = Files.writeString(folder.path().resolve("archive"), "x");
    folder.checkFile(inside);
    Path deeper = Files.createDirectory(folder.path().resolve("deeper"));
    Path nested = Files.writeString(deeper.resolve("archive"), "x");
    IOException e = assertThrows(IOException.class, () -> folder.checkFile(nested));
    assertTrue(e.getMessage().contains("is not right in"), e.getMessage());
    e = assertThrows(IOException.class, () -> folder.checkFile(deeper));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  private static void assertRefused(Path folder, String reason) {
    IOException e = assertThrows(IOException.class, () -> PrivateFolder.open(folder));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }
}
