package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The children's default JVM options keep each child small: the JDK's class-data archive is mapped
 * where it was built, so its pages stay shared between children instead of being relocated into
 * private copies in every child (about 10 MB each on JDK 17).
 */
class DefaultWorkerOptionsTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void theDefaultsMapTheClassDataArchiveWithoutRelocatingIt() throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA));
    command.addAll(NightCoralBuilder.DEFAULT_WORKER_JVM_OPTIONS);
    command.addAll(List.of("-Xshare:auto", "-Xlog:cds=info", "-version"));
    List<String> lines = run(command);

    assertTrue(
        lines.stream().noneMatch(l -> l.contains("alternative address")),
        "the archive was relocated: " + lines);
  }

  @Test
  void aChildStartsWithTheDefaults() throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA));
    command.addAll(NightCoralBuilder.DEFAULT_WORKER_JVM_OPTIONS);
    command.add("-version");
    run(command); // an option this JVM does not know would fail here
  }

  /** Runs {@code command} to its end (bounded) and returns its output; it must exit with 0. */
  private static List<String> run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("java -version did not end: " + command);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), command + " failed: " + text);
    return text.lines().toList();
  }
}
