package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add} returns only once its job is committed: a JVM killed right after keeps every
 * acknowledged job.
 */
class AddDurabilityTest {
  @TempDir Path dir;

  /** Adds jobs from 4 threads as fast as it can, printing each id once {@code add} returned. */
  public static final class Adder {
    public static void main(String[] args) throws Exception {
      NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(args[0]).build();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; ; i++) {
                    long id = nc.add(new TestJob("durable", i)).id();
                    synchronized (System.out) {
                      System.out.println(id);
                      System.out.flush();
                    }
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
  }

  @Test
  void everyAcknowledgedAddSurvivesAKillRightAfter() throws Exception {
    Path db = dir.resolve("durable.db");
    List<Long> acknowledged = new ArrayList<>();
    try (Jvm adder = Jvm.start(Adder.class, db.toString())) {
      String line;
      while (acknowledged.size() < 2_000 && (line = adder.nextLine()) != null) {
        acknowledged.add(Long.parseLong(line.trim()));
      }
      adder.kill(); // kill -9 while adds are in flight
    }
    assertEquals(2_000, acknowledged.size());
    try (NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      assertTrue(nc.stats().queued() >= acknowledged.size());
      for (long id : acknowledged) {
        assertTrue(nc.delete(id), "acknowledged job " + id + " is stored");
      }
    }
  }
}
