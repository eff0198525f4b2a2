package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the server dies, only the jobs whose handlers had started are charged an attempt: jobs
 * waiting in a worker's read-ahead are not, and a started job is charged even if the server died
 * before it could record the start.
 */
@ExtendWith(NoChildOutlivesTest.class)
class CrashChargeTest {
  @TempDir Path dir;

  /** A server with one busy worker and a full read-ahead, which says so and then waits to die. */
  public static final class Server {
    public static void main(String[] args) throws Exception {
      NightCoral<TestJob> nc =
          NightCoral.builder(TestJob.class)
              .databaseFile(args[0])
              .workerConfig(Map.of("dir", args[1]))
              .maxAttempts(1)
              .workerPrefetch(64)
              .build();
      nc.launch(TestHandler.class, 1);
      List<TestJob> jobs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        jobs.add(new TestJob("busy", 200));
      }
      nc.addAll(jobs);
      while (!(nc.stats().running() == 1 && nc.stats().idleWorkers() == 0)) {
        Thread.onSpinWait();
      }
      System.out.println("running");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void aServerKilledWhileJobsWaitInReadAheadChargesOnlyTheJobThatRan() throws Exception {
    Path db = dir.resolve("crash.db");
    try (Jvm server = Jvm.start(Server.class, db.toString(), dir.toString())) {
      assertEquals("running", server.nextLine());
      server.kill(); // kill -9 of the server while its worker holds jobs
    }
    try (NightCoral<TestJob> nc = reopen(db, job -> null)) {
      nc.launch(2);
      Await.get(nc.idle());
      List<DeadJob<TestJob>> dead = nc.deadJobs();
      assertTrue(dead.size() <= 1, "only the job that was running may be charged: " + dead);
      assertEquals(40, nc.stats().retired() + dead.size());
    }
  }

  @Test
  void aStartNotedByAChildButNotYetCommittedIsChargedAtTheNextStart() throws Exception {
    Path db = dir.resolve("noted.db");
    long id;
    try (NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      id = nc.add(new TestJob("started before the crash", 1)).id();
    }
    // what a child writes into its slot's record before it calls the handler
    Path records = writeStartRecord(db, "worker-1", id, 1, id ^ 1 ^ 0x4E43_5354_4152_5431L);

    CountingWorker<TestJob, Integer> worker = CountingWorker.byValue();
    try (NightCoral<TestJob> nc = reopen(db, worker)) {
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(Map.of(), worker.counts(), "its one attempt was used up when the server died");
      assertEquals(List.of(id), nc.deadJobs().stream().map(DeadJob::id).toList());
    }
    assertTrue(
        java.util.Arrays.equals(new byte[24], Files.readAllBytes(records.resolve("worker-1"))),
        "the record is cleared once its charge is committed");
  }

  @Test
  void aTornOrForeignStartRecordIsIgnored() throws Exception {
    Path db = dir.resolve("torn.db");
    long id;
    try (NightCoral<TestJob> nc = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      id = nc.add(new TestJob("never started", 1)).id();
    }
    Path records = writeStartRecord(db, "worker-1", id, 1, 0); // the check was not written yet
    Files.write(records.resolve("worker-2"), new byte[] {1, 2, 3});
    try (NightCoral<TestJob> nc = reopen(db, job -> null)) {
      nc.launch(1);
      Await.get(nc.idle());
      assertEquals(1, nc.stats().retired());
      assertEquals(0, nc.stats().dead());
    }
  }

  /** The database after the crash, its jobs allowed one attempt each, run by {@code worker}. */
  private static NightCoral<TestJob> reopen(Path db, FakeWorker<TestJob> worker) {
    return NightCoral.builder(TestJob.class)
        .databaseFile(db)
        .maxAttempts(1)
        .fakeWorker(worker)
        .build();
  }

  /** Writes a slot's start record next to {@code db}, as a child does; returns their folder. */
  private static Path writeStartRecord(Path db, String slot, long job, long attempt, long check)
      throws Exception {
    Path records = Files.createDirectories(db.resolveSibling(db.getFileName() + ".starts"));
    ByteBuffer note = ByteBuffer.allocate(24);
    note.putLong(job).putLong(attempt).putLong(check);
    Files.write(records.resolve(slot), note.array());
    return records;
  }
}
