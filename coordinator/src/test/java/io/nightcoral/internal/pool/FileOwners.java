package io.nightcoral.internal.pool;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Who owns a file and who may write it, as tests of private folders set and read them. */
final class FileOwners {
  private FileOwners() {}

  /** Makes uid 65534 the owner, or skips the test when this process may not. */
  static void giveToAnotherUser(Path p) {
    try {
      Files.setAttribute(p, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      assumeTrue(false, "cannot give a file to another user here: " + e);
    }
  }

  /** The permissions of {@code p} itself (not of what it links to), as in {@code rwx------}. */
  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
