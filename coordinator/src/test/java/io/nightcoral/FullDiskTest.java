package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real disk that fills up: a small tmpfs mounted for the test (which needs root, as on CI;
 * elsewhere the test is skipped), where the refusal comes when SQLite writes the WAL at commit and
 * SQLite rolls the transaction back by itself.
 */
class FullDiskTest {
  @TempDir Path dir;

  private final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();

  @Test
  void aCommitRefusedByAFullDiskLeavesTheStoreWorkingOnceThereIsRoom() throws Exception {
    Path disk = dir.resolve("disk");
    Files.createDirectories(disk);
    String mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString());
    assumeTrue(mounted.isEmpty(), "cannot mount a tmpfs here: " + mounted);
    try {
      Path filler = disk.resolve("filler");
      try (NightCoral<TestJob> nc =
          NightCoral.builder(TestJob.class)
              .databaseFile(disk.resolve("full.db"))
              .fakeWorker(
                  job -> {
                    seen.computeIfAbsent(job.value(), v -> new AtomicInteger()).incrementAndGet();
                    return null;
                  })
              .build()) {
        nc.add(new TestJob("kept", 0));
        fill(filler);
        int stored = 1;
        NightCoralException full = null;
        while (full == null && stored < 100_000) {
          try {
            nc.add(new TestJob("more", stored));
            stored++;
          } catch (NightCoralException e) {
            full = e;
          }
        }
        assertNotNull(full, "the disk never refused an add");
        assertTrue(full.getMessage().contains("full"), full.getMessage());

        Files.delete(filler);
        nc.add(new TestJob("after", stored)); // there is room again
        nc.launch("unused", 1);
        Await.get(nc.idle());
        for (int i = 0; i <= stored; i++) {
          assertTrue(seen.containsKey(i), "job " + i + " ran");
        }
        assertEquals(stored + 1, seen.size(), "only the jobs whose add returned ran");
      }
    } finally {
      String out = run("umount", disk.toString());
      if (!out.isEmpty()) {
        run("umount", "-l", disk.toString());
      }
    }
  }

  /** Writes zeros to {@code file} until the file system has no room left. */
  private static void fill(Path file) throws IOException {
    try (FileOutputStream out = new FileOutputStream(file.toFile())) {
      for (int chunk : new int[] {1 << 20, 64 << 10, 4 << 10, 512}) {
        byte[] zeros = new byte[chunk];
        try {
          while (true) {
            out.write(zeros);
          }
        } catch (IOException full) {
          // no room for this chunk: go on with smaller ones
        }
      }
    }
  }

  /** Runs a command; returns nothing if it succeeded, else its output and exit code. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.toString();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + " did not finish";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.exitValue() == 0 ? "" : out.strip() + " (exit " + p.exitValue() + ")";
  }
}
