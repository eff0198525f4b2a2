package io.nightcoral.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CdsArchiveTest {
  private static final List<String> OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC");

  @Test
  void aTrainedArchiveIsUsedByChildren() throws Exception {
    List<String> runtime = ChildCommand.runtimeEntries();
    assumeTrue(
        runtime.stream().allMatch(e -> e.endsWith(".jar")),
        "the runtime is not packaged in jars in this build (mvn test); mvn verify runs this");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    CdsArchive archive = new CdsArchive(java, OPTIONS, runtime);
    archive.trainInBackground();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !archive.flags().isEmpty());
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:on", "-Xlog:class+load=info"));
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
  void optionsThatManageSharingThemselvesGetNoArchive() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    CdsArchive archive = new CdsArchive(java, List.of("-Xshare:off"), List.of());
    archive.trainInBackground();
    assertTrue(archive.flags().isEmpty());
  }
}
