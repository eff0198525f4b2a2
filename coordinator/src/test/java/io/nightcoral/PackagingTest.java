package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Children start from any packaging of the server: a shaded jar, and a Spring Boot executable jar
 * (both of its loaders), each run as a server of its own with {@code java -jar}.
 */
class PackagingTest {
  private static final String SERVER = PackagedServer.class.getName();

  @TempDir Path dir;

  @Test
  void childrenStartFromAShadedJar() throws Exception {
    Path jar = TestJars.shaded(dir.resolve("shaded.jar"), SERVER);
    List<String> classpath = runServer(jar, "shaded.db");
    assertTrue(classpath.contains(jar.toString()), classpath.toString());
    assertFalse(Files.exists(jarCache()), "a shaded jar needs nothing unpacked");
  }

  @Test
  void childrenStartFromASpringBootExecutableJarUnpackedOnceIntoAPrivateFolder() throws Exception {
    Path jar = TestJars.springBoot(dir.resolve("app.jar"), SERVER, false, "1");
    List<String> first = runServer(jar, "boot.db");
    Path unpacked = onlyFolderIn(jarCache());
    assertUnpackedInto(unpacked, first);
    assertEquals("rwx------", mode(jarCache()));
    assertEquals("rwx------", mode(unpacked));
    Path runtimeJar = Path.of(first.get(0));
    Object fileKey = attributes(runtimeJar).fileKey();
    long modified = attributes(runtimeJar).lastModifiedTime().toMillis();

    List<String> again = runServer(jar, "boot.db");
    assertEquals(first, again, "the second start reuses what the first unpacked");
    assertEquals(fileKey, attributes(runtimeJar).fileKey());
    assertEquals(modified, attributes(runtimeJar).lastModifiedTime().toMillis());
    assertEquals(unpacked, onlyFolderIn(jarCache()));

    TestJars.springBoot(jar, SERVER, false, "2"); // same path, new bytes: a new version
    List<String> upgraded = runServer(jar, "boot.db");
    Path newer = onlyFolderIn(jarCache());
    assertFalse(newer.equals(unpacked), "a new version unpacks anew, and the old one is removed");
    assertUnpackedInto(newer, upgraded);
  }

  @Test
  void childrenStartFromASpringBootJarOfTheClassicLoader() throws Exception {
    Path jar = TestJars.springBoot(dir.resolve("classic.jar"), SERVER, true, "1");
    List<String> classpath = runServer(jar, "classic.db");
    assertUnpackedInto(onlyFolderIn(jarCache()), classpath);
  }

  /** The runtime's jars and every other class-path entry of the children come from the cache. */
  private static void assertUnpackedInto(Path unpacked, List<String> classpath) {
    assertTrue(classpath.get(0).startsWith(unpacked.toString()), classpath.toString());
    assertTrue(
        classpath.stream().anyMatch(e -> e.endsWith("classes.jar")), "the application's classes");
    assertTrue(
        classpath.stream().allMatch(e -> e.startsWith(unpacked.toString())),
        "the executable jar itself is of no use to a child: " + classpath);
  }

  /** Runs the packaged server to its end; returns its children's class path. */
  private List<String> runServer(Path jar, String database) throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path log = dir.resolve("server.log");
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-jar",
                jar.toString(),
                dir.resolve(database).toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      assertTrue(server.waitFor(Await.LIMIT.toSeconds() * 2, TimeUnit.SECONDS), "server ended");
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, server.exitValue(), output);
      assertTrue(output.contains("square 49"), output);
      assertTrue(output.contains("ran in a child true"), output);
      assertTrue(output.contains("closed"), output);
      String classpath =
          output.lines().filter(l -> l.startsWith("classpath ")).findFirst().orElseThrow();
      return Arrays.asList(classpath.substring("classpath ".length()).split(File.pathSeparator));
    } finally {
      server.destroyForcibly();
      server.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  private Path jarCache() {
    return dir.resolve("tmp")
        .resolve("nightcoral-" + System.getProperty("user.name"))
        .resolve("jars");
  }

  private static Path onlyFolderIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> folders = files.filter(Files::isDirectory).toList();
      assertEquals(1, folders.size(), folders.toString());
      return folders.get(0);
    }
  }

  private static BasicFileAttributes attributes(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
