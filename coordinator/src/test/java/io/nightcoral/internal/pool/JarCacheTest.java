package io.nightcoral.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking a Spring Boot executable jar's nested jars into a private folder, once. */
class JarCacheTest {
  @TempDir Path dir;

  @Test
  void librariesComeInTheOrderOfTheClasspathIndexAfterTheClassesPackedAsOneJar() throws Exception {
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    JarCache.Unpacked unpacked = cache().unpack(jar);
    assertEquals(
        List.of("BOOT-INF/classes", "BOOT-INF/lib/second.jar", "BOOT-INF/lib/first.jar"),
        List.copyOf(unpacked.entries().keySet()));
    try (JarFile classes = new JarFile(unpacked.entries().get("BOOT-INF/classes").toFile())) {
      assertEquals(
          "v1",
          new String(
              classes.getInputStream(classes.getJarEntry("app/version.txt")).readAllBytes(),
              StandardCharsets.UTF_8));
    }
    try (JarFile lib = new JarFile(unpacked.entries().get("BOOT-INF/lib/first.jar").toFile())) {
      assertTrue(lib.getJarEntry("first/Marker.txt") != null, "the nested jar, byte for byte");
    }
    assertEquals("rwx------", mode(unpacked.folder()));
    assertEquals(root().toRealPath(), unpacked.folder().getParent());
  }

  @Test
  void aSecondUnpackOfTheSameBytesReusesTheFolderWithoutWritingIt() throws Exception {
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    JarCache.Unpacked first = cache().unpack(jar);
    Path lib = first.entries().get("BOOT-INF/lib/first.jar");
    BasicFileAttributes before = Files.readAttributes(lib, BasicFileAttributes.class);
    JarCache.Unpacked second = cache().unpack(jar);
    assertEquals(first.folder(), second.folder());
    BasicFileAttributes after = Files.readAttributes(lib, BasicFileAttributes.class);
    assertEquals(before.fileKey(), after.fileKey());
    assertEquals(before.lastModifiedTime(), after.lastModifiedTime());
  }

  @Test
  void filesRemovedFromUnderTheCacheAreUnpackedAgain() throws Exception {
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    JarCache.Unpacked unpacked = cache().unpack(jar);
    Files.delete(unpacked.entries().get("BOOT-INF/lib/second.jar")); // a temp-folder cleaner
    assertFalse(unpacked.intact());
    JarCache.Unpacked again = cache().unpack(jar);
    assertEquals(unpacked.folder(), again.folder());
    assertTrue(again.intact());
    assertTrue(unpacked.intact(), "same paths as before");
  }

  @Test
  void aFolderWithoutItsIndexIsTakenForHalfWrittenAndUnpackedAgain() throws Exception {
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    JarCache.Unpacked unpacked = cache().unpack(jar);
    Files.delete(unpacked.folder().resolve("index.txt"));
    JarCache.Unpacked again = cache().unpack(jar);
    assertTrue(again.intact());
    assertTrue(Files.exists(again.folder().resolve("index.txt")));
  }

  @Test
  void serversUnpackingAtOnceAgreeOnOneCompleteFolderAndLeaveNoPartialOne() throws Exception {
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<JarCache.Unpacked>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Callable<JarCache.Unpacked> unpack = () -> cache().unpack(jar);
        all.add(pool.submit(unpack));
      }
      Set<Path> folders = new HashSet<>();
      for (Future<JarCache.Unpacked> f : all) {
        JarCache.Unpacked u = f.get(30, TimeUnit.SECONDS);
        assertTrue(u.intact());
        folders.add(u.folder());
      }
      assertEquals(1, folders.size(), folders.toString());
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> files = Files.list(root())) {
      assertEquals(
          List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }
  }

  @Test
  void anOlderVersionIsRemovedOnceNoServerHoldsItAndOtherInstallationsStay() throws Exception {
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    Path old = cache().unpack(jar).folder();
    Path other = cache().unpack(bootJar(dir.resolve("other.jar"), "v1")).folder();
    bootJar(jar, "v2");
    Path newer = cache().unpack(jar).folder();
    assertNotEquals(old, newer);
    assertTrue(Files.exists(old), "this JVM still holds the old version: its children use it");

    JarCache.release(old); // as if the server that used it had stopped
    cache().unpack(jar);
    assertFalse(Files.exists(old));
    assertFalse(Files.exists(old.resolveSibling(old.getFileName() + ".lock")));
    assertTrue(Files.exists(newer));
    assertTrue(Files.exists(other), "another installation's folder is not this one's to remove");
  }

  @Test
  void aRefusedFolderGivesWayToTheNextCandidate() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    JarCache.Unpacked unpacked =
        new JarCache(List.of(open.resolve("jars"), dir.resolve("private/jars"))).unpack(jar);
    assertTrue(unpacked.folder().startsWith(dir.resolve("private/jars").toRealPath()));
    try (Stream<Path> files = Files.walk(open)) {
      assertTrue(files.allMatch(Files::isDirectory), "nothing unpacked where others can write");
    }
  }

  @Test
  void withNoPrivateFolderTheErrorSaysWhyForEachCandidate() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path jar = bootJar(dir.resolve("app.jar"), "v1");
    IOException e =
        assertThrows(
            IOException.class,
            () -> new JarCache(List.of(open.resolve("a"), dir.resolve("b:c"))).unpack(jar));
    assertTrue(e.getMessage().contains(open + " above it"), e.getMessage());
    assertTrue(e.getMessage().contains("b:c is refused"), e.getMessage());
  }

  @Test
  void nestedLocationsOfBothSpringBootLoadersAreRecognised() {
    assertEquals(
        new ChildClasspath.Nested(Path.of("/srv/a b%c/app é.jar"), "BOOT-INF/lib/x.jar"),
        ChildClasspath.Nested.parse("jar:nested:/srv/a%20b%25c/app%20é.jar/!BOOT-INF/lib/x.jar!/"));
    assertEquals(
        new ChildClasspath.Nested(Path.of("/srv/app.jar"), "BOOT-INF/classes"),
        ChildClasspath.Nested.parse("jar:nested:/srv/app.jar/!BOOT-INF/classes/!/"));
    assertEquals(
        new ChildClasspath.Nested(Path.of("/srv/a b/app.jar"), "BOOT-INF/lib/x.jar"),
        ChildClasspath.Nested.parse("jar:file:/srv/a%20b/app.jar!/BOOT-INF/lib/x.jar!/"));
    assertEquals(
        new ChildClasspath.Nested(Path.of("/srv/app.jar"), "BOOT-INF/classes"),
        ChildClasspath.Nested.parse("jar:file:/srv/app.jar!/BOOT-INF/classes!/"));
    assertNull(ChildClasspath.Nested.parse("jar:file:/srv/plain.jar!/"));
    assertNull(ChildClasspath.Nested.parse("file:/srv/plain.jar"));
  }

  private JarCache cache() {
    return new JarCache(List.of(root()));
  }

  private Path root() {
    return dir.resolve("cache/jars");
  }

  /** A small executable jar: classes with a version file, and two libraries in reverse order. */
  private static Path bootJar(Path jar, String version) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
    main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      put(out, "BOOT-INF/", new byte[0]);
      put(out, "BOOT-INF/classes/", new byte[0]);
      put(out, "BOOT-INF/classes/app/", new byte[0]);
      put(out, "BOOT-INF/classes/app/version.txt", version.getBytes(StandardCharsets.UTF_8));
      put(out, "BOOT-INF/lib/first.jar", jarOf(Map.of("first/Marker.txt", "1")));
      put(out, "BOOT-INF/lib/second.jar", jarOf(Map.of("second/Marker.txt", "2")));
      put(out, "BOOT-INF/lib/nested/ignored.jar", jarOf(Map.of("x.txt", "x")));
      put(
          out,
          "BOOT-INF/classpath.idx",
          "- \"BOOT-INF/lib/second.jar\"\n- \"BOOT-INF/lib/first.jar\"\n"
              .getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  private static byte[] jarOf(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        put(out, f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toByteArray();
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
