package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Where the children's class-data archive may come from, seen on a running child. */
@ExtendWith(NoChildOutlivesTest.class)
class CdsArchiveFolderTest {
  @TempDir Path dir;

  @Test
  void workerCdsArchiveNullStartsChildrenWithoutAnArchive() throws Exception {
    assertChildMapsNoArchive(NightCoral.builder(TestJob.class).workerCdsArchive(null));
  }

  @Test
  void aFolderOthersCanWriteIsNotUsed() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("cds"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertChildMapsNoArchive(NightCoral.builder(TestJob.class).workerCdsArchive(folder));
    try (var files = Files.list(folder)) {
      assertEquals(List.of(), files.toList(), "nothing was trained into it");
    }
  }

  private void assertChildMapsNoArchive(NightCoralBuilder<TestJob> builder) throws Exception {
    try (NightCoral<TestJob> nc = builder.databaseFile(dir.resolve("cds.db")).build()) {
      nc.launch(TestHandler.class, 1);
      Await.get(nc.addQuery(new TestJob("square", 3)).reply());
      List<ProcessHandle> children = Children.live();
      assertFalse(children.isEmpty());
      for (ProcessHandle child : children) {
        List<String> arguments = Children.arguments(child);
        assertFalse(
            arguments.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")),
            arguments.toString());
        assertFalse(
            arguments.stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit")),
            arguments.toString());
      }
    }
  }
}
