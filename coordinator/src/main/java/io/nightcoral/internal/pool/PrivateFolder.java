package io.nightcoral.internal.pool;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * A folder that only this process's user can write, for files another process loads (the children's
 * class-data archive, unpacked jars). {@link #open} creates missing folders {@code 0700} and
 * refuses a folder that is a symbolic link, belongs to another user, or that another user can write
 * or replace (it, or a folder above it, is group- or other-writable without the sticky bit, or a
 * folder above it belongs to someone other than this user or root). A file system without POSIX
 * owners and permissions is refused rather than guessed at. Immutable and thread-safe; the checks
 * run again on each {@link #check} and {@link #checkFile}.
 */
public final class PrivateFolder {
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final int STICKY = 01000;

  private final Path path;
  private final UserPrincipal user;

  private PrivateFolder(Path path, UserPrincipal user) {
    this.path = path;
    this.user = user;
  }

  /**
   * Where a private folder named {@code name} goes by default: {@code
   * ${java.io.tmpdir}/nightcoral-<user.name>/<name>}.
   */
  public static Path defaultLocation(String name) {
    String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(
            System.getProperty("java.io.tmpdir"),
            "nightcoral-" + (user.isEmpty() ? "user" : user),
            name)
        .toAbsolutePath();
  }

  /**
   * Opens {@code folder}, first creating it and its missing parents with mode {@code 0700}.
   *
   * @throws IOException saying why, when it cannot be created or is not private to this user
   */
  public static PrivateFolder open(Path folder) throws IOException {
    Path absolute = folder.toAbsolutePath();
    if (!absolute.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      throw refused(absolute, "its file system has no POSIX owners and permissions");
    }
    createMissing(absolute);
    PosixFileAttributes leaf = attributes(absolute);
    if (leaf.isSymbolicLink()) {
      throw refused(absolute, "it is a symbolic link");
    }
    if (!leaf.isDirectory()) {
      throw refused(absolute, "it is not a directory");
    }
    Path real = absolute.toRealPath(); // folders above it may be links (/tmp on macOS)
    PrivateFolder opened = new PrivateFolder(real, ownerOfNewFileIn(real));
    opened.check();
    return opened;
  }

  /** The folder, with no symbolic link on the way. */
  public Path path() {
    return path;
  }

  /**
   * Checks again that the folder is private to this user.
   *
   * @throws IOException saying why, when it no longer is
   */
  public void check() throws IOException {
    PosixFileAttributes folder = attributes(path);
    if (!folder.isDirectory()) {
      throw refused(path, "it is not a directory");
    }
    if (!folder.owner().equals(user)) {
      throw refused(path, "it belongs to " + folder.owner().getName() + ", not " + user.getName());
    }
    if (writableByOthers(folder)) {
      throw refused(path, "other users can write in it (" + mode(folder) + ")");
    }
    for (Path above = path.getParent(); above != null; above = above.getParent()) {
      PosixFileAttributes a = attributes(above);
      if (a.isSymbolicLink()) {
        throw refused(path, above + " above it is now a symbolic link");
      }
      if (!a.owner().equals(user) && !ownedByRoot(above)) {
        throw refused(path, above + " above it belongs to " + a.owner().getName());
      }
      if (writableByOthers(a) && !sticky(above)) {
        throw refused(path, "other users can write in " + above + " above it (" + mode(a) + ")");
      }
    }
  }

  /**
   * Checks that {@code file} is a regular file right in this folder (which is checked again),
   * belongs to this user, and that no one else can write it.
   *
   * @throws IOException saying why, when it is not
   */
  public void checkFile(Path file) throws IOException {
    check();
    if (!path.equals(file.getParent())) {
      throw refused(file, "it is not right in " + path);
    }
    PosixFileAttributes a = attributes(file);
    if (!a.isRegularFile()) {
      throw refused(
          file, a.isSymbolicLink() ? "it is a symbolic link" : "it is not a regular file");
    }
    if (!a.owner().equals(user)) {
      throw refused(file, "it belongs to " + a.owner().getName() + ", not " + user.getName());
    }
    if (writableByOthers(a)) {
      throw refused(file, "other users can write it (" + mode(a) + ")");
    }
  }

  private static void createMissing(Path folder) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = folder; p != null && Files.notExists(p, NOFOLLOW_LINKS); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) { // outermost first
      try {
        Files.createDirectory(p, OWNER_ONLY);
      } catch (FileAlreadyExistsException e) {
        // made meanwhile by another run; checked like any folder that was there
      } catch (IOException e) {
        throw new IOException(folder + " cannot be created: " + e, e);
      }
    }
  }

  /** Who this process is, as the file system sees it: the owner of a file it just made. */
  private static UserPrincipal ownerOfNewFileIn(Path folder) throws IOException {
    Path probe;
    try {
      probe = Files.createTempFile(folder, ".owner-", ".probe");
    } catch (IOException e) {
      throw refused(folder, "this user cannot create files in it (" + e + ")");
    }
    try {
      return Files.getOwner(probe, NOFOLLOW_LINKS);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static PosixFileAttributes attributes(Path p) throws IOException {
    return Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW_LINKS);
  }

  private static boolean writableByOthers(PosixFileAttributes a) {
    return a.permissions().contains(PosixFilePermission.GROUP_WRITE)
        || a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static String mode(PosixFileAttributes a) {
    return PosixFilePermissions.toString(a.permissions());
  }

  private static boolean ownedByRoot(Path p) {
    return unixAttribute(p, "uid") == 0;
  }

  /** Whether only a file's owner may rename or delete it in {@code p} (as in {@code /tmp}). */
  private static boolean sticky(Path p) {
    int mode = unixAttribute(p, "mode");
    return mode != -1 && (mode & STICKY) != 0;
  }

  /** A number of the JDK's "unix" attribute view, or -1 where there is no such view. */
  private static int unixAttribute(Path p, String name) {
    try {
      return Files.getAttribute(p, "unix:" + name, NOFOLLOW_LINKS) instanceof Integer i ? i : -1;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  private static IOException refused(Path p, String reason) {
    return new IOException(p + " is refused: " + reason);
  }
}
