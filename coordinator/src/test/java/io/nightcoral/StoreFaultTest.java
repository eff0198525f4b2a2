package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills and a database that turns read-only: add throws, nothing stored is lost, and it
 * recovers.
 */
class StoreFaultTest {
  @TempDir Path dir;

  private final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();

  private NightCoral<TestJob> open() {
    return NightCoral.builder(TestJob.class)
        .databaseFile(dir.resolve("fault.db"))
        .fakeWorker(
            job -> {
              seen.computeIfAbsent(job.value(), v -> new AtomicInteger()).incrementAndGet();
              return null;
            })
        .build();
  }

  @Test
  void aFullDiskRefusesAddsUntilThereIsRoomAgain() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      for (int i = 0; i < 10; i++) {
        nc.add(new TestJob("kept", i));
      }
      nc.pragmaForTest("PRAGMA max_page_count = 1"); // caps the file at its current size
      int stored = 10;
      NightCoralException full = null;
      while (full == null && stored < 100_000) {
        try {
          nc.add(new TestJob("more", stored));
          stored++;
        } catch (NightCoralException e) {
          full = e;
        }
      }
      assertTrue(full != null && full.getMessage().contains("full"), String.valueOf(full));
      final int storedBeforeFull = stored;
      assertThrows(
          NightCoralException.class, () -> nc.add(new TestJob("refused", storedBeforeFull)));
      assertEquals(stored, nc.stats().queued(), "nothing stored was lost");
      nc.pragmaForTest("PRAGMA max_page_count = 1073741823");
      nc.add(new TestJob("after", stored));
      nc.launch("unused", 2);
      Await.get(nc.idle());
      for (int i = 0; i <= stored; i++) {
        assertTrue(seen.containsKey(i), "job " + i + " ran");
      }
      assertEquals(stored + 1, seen.size());
    }
  }

  @Test
  void aReadOnlyDatabaseRefusesAddsUntilItIsWritableAgain() throws Exception {
    try (NightCoral<TestJob> nc = open()) {
      nc.add(new TestJob("kept", 1));
      nc.pragmaForTest("PRAGMA query_only = 1");
      NightCoralException e =
          assertThrows(NightCoralException.class, () -> nc.add(new TestJob("refused", 2)));
      assertTrue(e.getMessage().contains("readonly"), e.getMessage());
      assertEquals(1, nc.stats().queued());
      nc.pragmaForTest("PRAGMA query_only = 0");
      nc.add(new TestJob("after", 3));
      nc.launch("unused", 1);
      Await.get(nc.idle());
      assertEquals(Map.of(1, 1, 3, 1), Map.of(1, seen.get(1).get(), 3, seen.get(3).get()));
      assertEquals(2, seen.size());
    }
  }
}
