package io.nightcoral.internal.pool;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nested jars of a Spring Boot executable jar, unpacked so that a child JVM can put them on a
 * plain class path: every jar in its {@code Spring-Boot-Lib} folder ({@code BOOT-INF/lib/}), and
 * its {@code Spring-Boot-Classes} folder ({@code BOOT-INF/classes/}) packed as one jar.
 *
 * <p>Each executable jar is unpacked once per content hash, into a folder {@code
 * <installation>-<content>} of a {@link PrivateFolder} (children load code from it, so no other
 * user may write it): the installation is the jar's path, the content its SHA-256. The folder is
 * written under a name of its own and renamed into place once complete, so servers starting at once
 * never see a half-written one, and an index written last lists every file with its size. Every
 * process that uses a folder holds a shared lock on its {@code .lock} file; a newer folder of the
 * same installation removes the older ones that no process holds. Thread-safe.
 */
final class JarCache {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final String INDEX = "index.txt";
  private static final String UNPACKING = ".unpacking-";
  private static final String CLASSES_JAR = "classes.jar";
  private static final String LIB = "lib";
  private static final Duration LOCK_WAIT = Duration.ofSeconds(60);
  private static final Duration ABANDONED = Duration.ofHours(1);

  /** The shared locks this JVM holds, by lock file: a JVM may hold only one lock on a file. */
  private static final Map<Path, FileLock> HELD = new HashMap<>();

  private final List<Path> candidates;

  /** A cache in the first of {@code candidates} that can be opened as a private folder. */
  JarCache(List<Path> candidates) {
    this.candidates = List.copyOf(candidates);
  }

  /**
   * The default cache: {@code ${java.io.tmpdir}/nightcoral-<user.name>/jars}, or {@code
   * ~/.cache/nightcoral/jars} when that is refused.
   */
  static JarCache standard() {
    return new JarCache(
        List.of(
            PrivateFolder.defaultLocation("jars"),
            Path.of(System.getProperty("user.home"), ".cache", "nightcoral", "jars")
                .toAbsolutePath()));
  }

  /**
   * The unpacked files of one executable jar.
   *
   * @param folder where they are
   * @param entries the class-path entries in order, by their name in the executable jar ({@code
   *     BOOT-INF/lib/x.jar}, and {@code BOOT-INF/classes} for the packed classes)
   * @param sizes each file's size, as written
   */
  record Unpacked(Path folder, Map<String, Path> entries, Map<Path, Long> sizes) {
    /** The class-path entries in the order the executable jar's own launcher uses. */
    List<Path> classpath() {
      return List.copyOf(entries.values());
    }

    /** Whether every file is still there with the size it was written with. */
    boolean intact() {
      for (Map.Entry<Path, Long> e : sizes.entrySet()) {
        try {
          if (!Files.isRegularFile(e.getKey(), NOFOLLOW_LINKS)
              || Files.size(e.getKey()) != e.getValue()) {
            return false;
          }
        } catch (IOException gone) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The unpacked files of the executable jar {@code bootJar}, unpacked now unless an earlier run
   * (or another server) already did.
   *
   * @throws IOException saying why, when no candidate folder is private or the jar cannot be read
   */
  Unpacked unpack(Path bootJar) throws IOException {
    Path jar = bootJar.toRealPath();
    PrivateFolder root = openRoot();
    String installation = hash(jar.toString().getBytes(StandardCharsets.UTF_8));
    String key = installation + "-" + contentHash(jar);
    holdShared(root.path().resolve(key + ".lock"));
    Path target = root.path().resolve(key);
    Unpacked unpacked = existing(target);
    if (unpacked == null) {
      if (Files.exists(target, NOFOLLOW_LINKS)) {
        log.warn("{} is incomplete or damaged; unpacking {} again", target, jar);
        moveAsideAndDelete(root, target);
      }
      unpacked = unpackInto(root, jar, key, target);
    }
    removeStale(root, installation, key);
    return unpacked;
  }

  private PrivateFolder openRoot() throws IOException {
    List<String> refusals = new ArrayList<>();
    for (Path candidate : candidates) {
      if (candidate.toString().contains(File.pathSeparator)) {
        refusals.add(candidate + " is refused: a class path reads " + File.pathSeparator);
        continue;
      }
      try {
        return PrivateFolder.open(candidate);
      } catch (IOException e) {
        refusals.add(e.getMessage());
      }
    }
    throw new IOException(
        "no private folder to unpack the server's jars into for the worker children: "
            + String.join("; ", refusals));
  }

  /** The folder's files if it is complete, private and intact; null if it is missing or not. */
  private static Unpacked existing(Path target) throws IOException {
    if (!Files.isDirectory(target, NOFOLLOW_LINKS)) {
      return null;
    }
    PrivateFolder.open(target); // refuses a link or a folder others could write
    Path index = target.resolve(INDEX);
    if (!Files.isRegularFile(index, NOFOLLOW_LINKS)) {
      return null;
    }
    Map<String, Path> entries = new LinkedHashMap<>();
    Map<Path, Long> sizes = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] parts = line.split(" ", 3); // size, file, name in the executable jar
        if (parts.length != 3) {
          return null;
        }
        Path file = target.resolve(parts[1]).normalize();
        if (!file.startsWith(target)) {
          return null;
        }
        entries.put(parts[2], file);
        sizes.put(file, Long.parseLong(parts[0]));
      }
    } catch (NumberFormatException e) {
      return null;
    }
    Unpacked unpacked = new Unpacked(target, entries, sizes);
    return unpacked.intact() ? unpacked : null;
  }

  private Unpacked unpackInto(PrivateFolder root, Path jar, String key, Path target)
      throws IOException {
    Path partial =
        root.path()
            .resolve(
                UNPACKING + key + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      PrivateFolder.open(partial.resolve(LIB));
      List<String> index = new ArrayList<>();
      try (JarFile in = new JarFile(jar.toFile())) {
        Layout layout = Layout.of(in);
        if (layout.packClasses(in, partial.resolve(CLASSES_JAR))) {
          index.add(
              Files.size(partial.resolve(CLASSES_JAR)) + " " + CLASSES_JAR + " " + layout.classes);
        }
        for (String name : layout.libs(in)) {
          String file = LIB + "/" + name.substring(layout.lib.length());
          try (InputStream nested = in.getInputStream(in.getJarEntry(name))) {
            Files.copy(nested, partial.resolve(file));
          }
          index.add(Files.size(partial.resolve(file)) + " " + file + " " + name);
        }
      }
      Files.write(partial.resolve(INDEX), index, StandardCharsets.UTF_8);
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        log.info("unpacked {} for the worker children into {}", jar, target);
      } catch (IOException e) {
        if (!Files.exists(target, NOFOLLOW_LINKS)) {
          throw e;
        }
        log.debug("{} was unpacked meanwhile by another server", jar);
      }
    } finally {
      deleteTree(partial);
    }
    Unpacked unpacked = existing(target);
    if (unpacked == null) {
      throw new IOException(target + " is incomplete right after it was unpacked from " + jar);
    }
    return unpacked;
  }

  /** Where an executable jar keeps its classes and its library jars, from its manifest. */
  private record Layout(String classes, String lib) {
    static Layout of(JarFile jar) throws IOException {
      Manifest manifest = jar.getManifest();
      Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
      String classes = folder(main.getValue("Spring-Boot-Classes"), "BOOT-INF/classes/");
      String lib = folder(main.getValue("Spring-Boot-Lib"), "BOOT-INF/lib/");
      return new Layout(classes.substring(0, classes.length() - 1), lib);
    }

    private static String folder(String value, String fallback) {
      String f = value == null || value.isBlank() ? fallback : value.trim();
      return f.endsWith("/") ? f : f + "/";
    }

    /** Packs the classes folder into {@code target}; false (and no file) when it is empty. */
    boolean packClasses(JarFile jar, Path target) throws IOException {
      String prefix = classes + "/";
      List<JarEntry> entries =
          jar.stream()
              .filter(e -> e.getName().startsWith(prefix))
              .filter(e -> !e.getName().equals(prefix))
              .toList();
      if (entries.isEmpty()) {
        return false;
      }
      try (OutputStream file = Files.newOutputStream(target);
          JarOutputStream out = new JarOutputStream(file)) {
        for (JarEntry e : entries) {
          JarEntry copy = new JarEntry(e.getName().substring(prefix.length()));
          copy.setTime(e.getTime());
          out.putNextEntry(copy);
          if (!e.isDirectory()) {
            try (InputStream in = jar.getInputStream(e)) {
              in.transferTo(out);
            }
          }
          out.closeEntry();
        }
      }
      return true;
    }

    /** The library jars right in the lib folder, in the order of its {@code classpath.idx}. */
    List<String> libs(JarFile jar) throws IOException {
      List<String> all =
          jar.stream()
              .map(JarEntry::getName)
              .filter(n -> n.startsWith(lib) && n.endsWith(".jar"))
              .filter(n -> n.indexOf('/', lib.length()) < 0)
              .toList();
      List<String> order = classpathIndex(jar);
      List<String> sorted = new ArrayList<>(all);
      sorted.sort(
          Comparator.comparingInt(
              n -> order.contains(n) ? order.indexOf(n) : order.size() + all.indexOf(n)));
      return sorted;
    }

    /** The lines {@code - "BOOT-INF/lib/x.jar"} of the jar's class-path index, if it has one. */
    private List<String> classpathIndex(JarFile jar) throws IOException {
      JarEntry idx = jar.getJarEntry(lib.substring(0, lib.indexOf('/') + 1) + "classpath.idx");
      if (idx == null) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      try (InputStream in = jar.getInputStream(idx)) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          String t = line.trim();
          if (t.startsWith("- \"") && t.endsWith("\"")) {
            names.add(t.substring(3, t.length() - 1));
          }
        }
      }
      return names;
    }
  }

  /**
   * Takes (once per JVM) a shared lock on {@code lockFile}, kept while this JVM lives, so that no
   * other server removes the folder this one's children load from.
   */
  private static void holdShared(Path lockFile) throws IOException {
    synchronized (HELD) {
      if (HELD.containsKey(lockFile)) {
        return;
      }
      FileChannel channel =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
      try {
        FileLock lock;
        while ((lock = channel.tryLock(0, Long.MAX_VALUE, true)) == null) {
          if (System.nanoTime() > deadline) {
            throw new IOException(lockFile + " stayed locked by another process for " + LOCK_WAIT);
          }
          Thread.sleep(10); // another server is removing that folder: a short wait
        }
        HELD.put(lockFile, lock);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.close();
        throw new IOException("interrupted while waiting for " + lockFile, e);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
  }

  /** Lets go of this JVM's lock on a folder; tests stand in this way for a server that stopped. */
  static void release(Path folder) throws IOException {
    synchronized (HELD) {
      FileLock lock = HELD.remove(folder.resolveSibling(folder.getFileName() + ".lock"));
      if (lock != null) {
        lock.channel().close();
      }
    }
  }

  /**
   * Removes this installation's other folders that no process holds, and its unpacking leftovers
   * too old to belong to a run still going; other installations' folders stay.
   */
  private static void removeStale(PrivateFolder root, String installation, String key) {
    Instant abandoned = Instant.now().minus(ABANDONED);
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root.path())) {
      files.forEach(candidates::add);
    } catch (IOException e) {
      log.debug("cannot list {}: {}", root.path(), e.toString());
      return;
    }
    for (Path p : candidates) {
      String n = p.getFileName().toString();
      try {
        if (n.startsWith(installation + "-") && !n.startsWith(key) && !n.endsWith(".lock")) {
          removeUnlessHeld(p);
        } else if (n.startsWith(UNPACKING + installation + "-")
            && Files.getLastModifiedTime(p, NOFOLLOW_LINKS).toInstant().isBefore(abandoned)) {
          deleteTree(p);
        }
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", p, e.toString());
      }
    }
  }

  private static void removeUnlessHeld(Path folder) throws IOException {
    Path lockFile = folder.resolveSibling(folder.getFileName() + ".lock");
    synchronized (HELD) {
      if (HELD.containsKey(lockFile)) {
        return;
      }
      try (FileChannel channel =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          return;
        }
        if (lock == null) {
          return; // a server still runs children from it
        }
        deleteTree(folder);
        Files.deleteIfExists(lockFile);
        log.info("removed {}, unpacked for an older version of this server", folder);
      }
    }
  }

  private static void moveAsideAndDelete(PrivateFolder root, Path folder) throws IOException {
    Path aside =
        root.path()
            .resolve(
                UNPACKING
                    + folder.getFileName()
                    + "-damaged-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Files.move(folder, aside, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(aside);
  }

  /** Deletes a folder and everything in it, following no link. */
  static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder, NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(folder)) {
      all = new ArrayList<>(walk.toList());
    }
    Collections.reverse(all); // files before their folders
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }

  private static String contentHash(Path jar) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(jar)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return java.util.HexFormat.of().formatHex(digest.digest(), 0, 12);
  }

  private static String hash(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(sha256().digest(bytes), 0, 8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
