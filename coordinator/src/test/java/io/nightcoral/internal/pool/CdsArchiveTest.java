package io.nightcoral.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CdsArchiveTest {
  private static final List<String> OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC");
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String SHARED = "-XX:SharedArchiveFile=";

  @TempDir Path dir;

  @Test
  void aTrainedArchiveIsUsedByChildren() throws Exception {
    List<String> runtime = packagedRuntime();
    Path folder = dir.resolve("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, runtime, folder);
    archive.trainInBackground();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !archive.flags().isEmpty());
    assertEquals(List.of(archive.fileName()), namesIn(folder), "the training left nothing else");
    List<String> command = new ArrayList<>(List.of(JAVA, "-Xshare:on", "-Xlog:class+load=info"));
    command.addAll(archive.flags());
    command.addAll(OPTIONS);
    command.addAll(
        List.of(
            "-cp", String.join(File.pathSeparator, runtime), ChildCommand.MAIN_CLASS, "--train"));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, child.exitValue(), output);
    assertTrue(
        output.contains("io.nightcoral.protocol.ToWorker source: shared objects file (top)"),
        output);
    assertTrue(
        output.contains(
            "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule source: shared objects file"),
        output);
  }

  @Test
  void trainingReplacesOnlyThisInstallationsOlderArchives() throws Exception {
    List<String> runtime = packagedRuntime();
    Path folder = dir.resolve("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, runtime, folder);
    CdsArchive otherOptions = new CdsArchive(JAVA, List.of("-Xmx32m"), runtime, folder);
    CdsArchive otherInstallation = new CdsArchive(JAVA, OPTIONS, jars(2), folder);
    String ours = archive.fileName();
    String older = ours.substring(0, ours.lastIndexOf('-')) + "-0123456789abcdef.jsa";
    assertTrue(archive.flags().isEmpty()); // opens the folder
    List<String> kept = List.of(otherOptions.fileName(), otherInstallation.fileName(), "notes.txt");
    for (String name : kept) {
      plant(folder.resolve(name));
    }
    plant(folder.resolve(older));
    archive.trainInBackground();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !archive.flags().isEmpty());
    List<String> expected = new ArrayList<>(kept);
    expected.add(ours);
    assertEquals(expected.stream().sorted().toList(), namesIn(folder));
  }

  @Test
  void optionsThatManageSharingThemselvesGetNoArchive() throws IOException {
    CdsArchive archive = new CdsArchive(JAVA, List.of("-Xshare:off"), jars(1), dir.resolve("c"));
    archive.trainInBackground();
    assertNull(archive.fileName());
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void noFolderMeansNoArchive() throws IOException {
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), null);
    archive.trainInBackground();
    assertNull(archive.fileName());
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void anArchiveOfOursInAPrivateFolderIsUsed() throws IOException {
    Path folder = privateFolder("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    Path file = plant(folder.resolve(archive.fileName()));
    assertEquals(List.of(SHARED + file.toRealPath()), archive.flags());
  }

  @Test
  void missingFoldersAreCreatedForThisUserOnly() throws IOException {
    Path folder = dir.resolve("a").resolve("b").resolve("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    assertTrue(archive.flags().isEmpty());
    for (Path p : List.of(dir.resolve("a"), dir.resolve("a").resolve("b"), folder)) {
      assertEquals("rwx------", FileOwners.mode(p), p.toString());
    }
  }

  @Test
  void theDefaultFolderBelongsToThisUserOnly() throws IOException {
    Path folder = ChildCommand.defaultArchiveFolder();
    assertTrue(folder.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), folder.toString());
    assertTrue(
        folder.toString().contains("nightcoral-" + System.getProperty("user.name")),
        folder.toString());
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    assertTrue(archive.flags().isEmpty()); // no archive for these made-up jars, but the folder
    assertEquals("rwx------", FileOwners.mode(folder));
    assertEquals("rwx------", FileOwners.mode(folder.getParent()));
  }

  @Test
  void aFolderOfAnotherUserIsNotUsed() throws IOException {
    Path folder = privateFolder("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    Path planted = plant(folder.resolve(archive.fileName()));
    FileOwners.giveToAnotherUser(planted);
    FileOwners.giveToAnotherUser(folder);
    assertTrue(archive.flags().isEmpty());
    archive.trainInBackground();
    assertTrue(archive.flags().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwxrwx---", "rwx-w----", "rwx---rwx", "rwxr-x-w-"})
  void aFolderOthersCanWriteIsNotUsed(String mode) throws IOException {
    Path folder = privateFolder("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    plant(folder.resolve(archive.fileName()));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(mode));
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void aFolderInsideAFolderOthersCanWriteIsNotUsed() throws IOException {
    Path shared = privateFolder("shared");
    Path folder = privateFolder("shared/cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    plant(folder.resolve(archive.fileName()));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void aSymbolicLinkToAFolderIsNotUsed() throws IOException {
    Path real = privateFolder("real");
    Path link = Files.createSymbolicLink(dir.resolve("cds"), real);
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), link);
    plant(real.resolve(archive.fileName()));
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void anArchiveOthersCanWriteIsNotUsed() throws IOException {
    Path folder = privateFolder("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    Path file = plant(folder.resolve(archive.fileName()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void anArchiveOfAnotherUserIsNotUsed() throws IOException {
    Path folder = privateFolder("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    FileOwners.giveToAnotherUser(plant(folder.resolve(archive.fileName())));
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void anArchiveThatIsASymbolicLinkIsNotUsed() throws IOException {
    Path folder = privateFolder("cds");
    CdsArchive archive = new CdsArchive(JAVA, OPTIONS, jars(1), folder);
    Path elsewhere = plant(dir.resolve("elsewhere.jsa"));
    Files.createSymbolicLink(folder.resolve(archive.fileName()), elsewhere);
    assertTrue(archive.flags().isEmpty());
  }

  @Test
  void aPlantedArchiveNeverReachesAChildsCommandLine() throws IOException {
    packagedRuntime();
    Path folder = privateFolder("cds");
    ChildCommand command = new ChildCommand(OPTIONS, List.of(), folder);
    Path planted = plant(folder.resolve(command.archiveFileName()));
    assertTrue(command.command().contains(SHARED + planted.toRealPath()), "the control");
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
    ChildCommand refused = new ChildCommand(OPTIONS, List.of(), folder);
    assertFalse(
        refused.command().stream().anyMatch(a -> a.startsWith(SHARED)),
        refused.command().stream().filter(a -> a.startsWith("-XX")).toList().toString());
  }

  /** The runtime's class-path entries; skips the test unless they are jars (as in mvn verify). */
  private static List<String> packagedRuntime() {
    List<String> runtime = ChildCommand.runtimeEntries();
    assumeTrue(
        runtime.stream().allMatch(e -> e.endsWith(".jar")),
        "the runtime is not packaged in jars in this build (mvn test); mvn verify runs this");
    return runtime;
  }

  /** Made-up runtime jars (the archive is keyed on them; only training needs real ones). */
  private List<String> jars(int count) throws IOException {
    List<String> jars = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jars.add(
          Files.writeString(dir.resolve("runtime-" + count + "-" + i + ".jar"), "jar").toString());
    }
    return jars;
  }

  private Path privateFolder(String name) throws IOException {
    return Files.createDirectories(
        dir.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** An archive as the JVM writes it: read-only for everyone. */
  private static Path plant(Path file) throws IOException {
    Files.writeString(file, "planted");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    return file;
  }

  private static List<String> namesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
