package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees: jobs by state, key and priority, a page at a time, and the workers. */
@ExtendWith(NoChildOutlivesTest.class)
class InspectionTest {
  @TempDir Path dir;

  @Test
  void jobsAreListedByStateKeyAndPriorityAPageAtATime() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("inspect.db"))
            .maxAttempts(2)
            .retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
            .fakeWorker(
                job -> {
                  switch (job.task()) {
                    case "block" -> release.await(30, TimeUnit.SECONDS);
                    case "fail" -> throw new IllegalStateException("fails once");
                    default -> {}
                  }
                  return null;
                })
            .build()) {
      nc.launch(1);
      long running = nc.add(new TestJob("block", 0)).id();
      await().until(() -> nc.stats().running() == 1);
      List<Long> queued = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        queued.add(nc.add(new TestJob("wait", i), JobOptions.priority(i % 2)).id());
      }
      long keyed = nc.add(new TestJob("wait", 9), JobOptions.key("the-key")).id();
      long timer = nc.addTimer(Duration.ofHours(2), new TestJob("later", 7)).id();

      List<StoredJob<TestJob>> all = nc.jobs(JobFilter.all());
      assertEquals(8, all.size());
      assertEquals(running, all.get(0).id());
      assertEquals(JobState.RUNNING, all.get(0).state());
      assertEquals(JobState.TIMER, byId(all, timer).state());
      assertEquals("the-key", byId(all, keyed).key());

      assertEquals(List.of(timer), ids(nc.jobs(JobFilter.all().state(JobState.TIMER))));
      assertEquals(List.of(keyed), ids(nc.jobs(JobFilter.all().key("the-key"))));
      assertEquals(
          List.of(queued.get(0), queued.get(2), queued.get(4)),
          ids(nc.jobs(JobFilter.all().priority(1))));
      assertEquals(7, nc.jobs(JobFilter.all().state(JobState.QUEUED)).size());

      List<StoredJob<TestJob>> firstPage = nc.jobs(JobFilter.all().newestFirst().limit(3));
      assertEquals(List.of(timer, keyed, queued.get(4)), ids(firstPage));
      List<StoredJob<TestJob>> secondPage =
          nc.jobs(JobFilter.all().newestFirst().limit(3).after(firstPage.get(2).id()));
      assertEquals(List.of(queued.get(3), queued.get(2), queued.get(1)), ids(secondPage));

      release.countDown();
      Await.get(nc.idle());
      long failing = nc.add(new TestJob("fail", 1)).id();
      await().until(() -> nc.stats().timers() == 2);
      StoredJob<TestJob> retrying = nc.jobs(JobFilter.all().state(JobState.RETRYING)).get(0);
      assertEquals(failing, retrying.id());
      assertEquals(1, retrying.attempts());
      assertTrue(retrying.lastError().contains("fails once"), retrying.lastError());

      assertThrows(IllegalArgumentException.class, () -> JobFilter.all().limit(0));
      assertThrows(IllegalArgumentException.class, () -> JobFilter.all().limit(1001));
      assertThrows(IllegalArgumentException.class, () -> JobFilter.all().state(JobState.RUNNING));
      assertThrows(IllegalArgumentException.class, () -> JobFilter.all().after(0));
    }
  }

  @Test
  void workersShowTheirProcessTheirJobAndSinceWhen() throws Exception {
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), dir.resolve("workers.db"))
            .workerConfig(Map.of("dir", dir.toString()))
            .build()) {
      nc.launch(TestHandler.class, 2);
      List<WorkerInfo> idle = nc.workers();
      assertEquals(2, idle.size());
      for (WorkerInfo w : idle) {
        assertEquals(WorkerInfo.State.IDLE, w.state());
        assertTrue(ProcessHandle.of(w.pid()).isPresent(), "pid " + w.pid());
        assertNull(w.runningSince());
      }
      nc.add(new TestJob("count", 1));
      Await.get(nc.idle());
      long gated = nc.add(new TestJob("gate", 5)).id();
      await().until(() -> nc.workers().stream().anyMatch(w -> w.jobId() == gated));
      WorkerInfo busy =
          nc.workers().stream().filter(w -> w.jobId() == gated).findFirst().orElseThrow();
      assertEquals(WorkerInfo.State.BUSY, busy.state());
      assertTrue(busy.runningSince() != null);
      Files.createFile(dir.resolve("gate"));
      Await.get(nc.idle());
      assertEquals(2, nc.workers().stream().mapToLong(WorkerInfo::jobsDone).sum());
    }
  }

  @Test
  void aMillionStoredJobsArePagedThroughWhileJobsFlow() throws Exception {
    assumeFalse(TestStore.postgres(), "sized for SQLite");
    try (NightCoral<String> nc =
        TestStore.at(NightCoral.builderForStrings(), dir.resolve("million.db"))
            .fakeWorker(job -> null)
            .build()) {
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        batch.add("job " + i);
      }
      for (int i = 0; i < 100; i++) {
        nc.addAll(batch);
      }
      assertEquals(1_000_000, nc.stats().queued());
      nc.launch(2);
      long seen = 0;
      long last = 0;
      long retiredBefore = nc.stats().retired();
      JobFilter page = JobFilter.all().limit(1_000);
      List<StoredJob<String>> jobs;
      while (!(jobs = nc.jobs(last == 0 ? page : page.after(last))).isEmpty()) {
        assertTrue(jobs.get(0).id() > last, "pages go forward");
        seen += jobs.size();
        last = jobs.get(jobs.size() - 1).id();
      }
      assertTrue(seen <= 1_000_000 && seen > 0, "seen " + seen);
      assertTrue(nc.stats().retired() > retiredBefore, "jobs flowed while the pages were read");
    }
  }

  @Test
  void aReaderSeesTheDatabaseWhileAServerHoldsItAndChangesNothing() throws Exception {
    Path db = dir.resolve("held.db");
    try (NightCoral<TestJob> nc =
        TestStore.at(NightCoral.builder(TestJob.class), db)
            .maxAttempts(1)
            .fakeWorker(
                job -> {
                  throw new IllegalStateException("dies");
                })
            .build()) {
      nc.add(new TestJob("dead", 1));
      nc.launch(1);
      await().until(() -> nc.stats().dead() == 1);
      nc.addTimer(Duration.ofHours(1), new TestJob("timer", 2), JobOptions.key("k"));
      nc.schedule("nightly", Schedule.cron("0 3 * * *"), new TestJob("report", 3));
      assertTrue(nc.runScheduleNow("nightly"));
      assertTrue(!nc.runScheduleNow("no such schedule"));
      await().until(() -> nc.stats().dead() == 2); // the extra firing's job died too
      try (NightCoralReader reader = TestStore.reader(db)) {
        DatabaseCounts counts = reader.counts();
        assertEquals(new DatabaseCounts(0, 1, 0, 2, 1), counts);
        StoredJob<String> timer = reader.jobs(JobFilter.all()).get(0);
        assertEquals("k", timer.key());
        assertTrue(timer.job().contains("\"timer\""), timer.job());
        assertEquals(2, reader.deadJobs().size());
        ScheduledJob<String> nightly = reader.schedules().get(0);
        assertEquals("nightly", nightly.name());
        assertTrue(nightly.lastRun() != null);
      }
      nc.add(new TestJob("after", 4)); // the server goes on
    }
    NightCoralException missing =
        assertThrows(
            NightCoralException.class, () -> NightCoralReader.open(dir.resolve("none.db")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  private static <J> StoredJob<J> byId(List<StoredJob<J>> jobs, long id) {
    return jobs.stream().filter(j -> j.id() == id).findFirst().orElseThrow();
  }

  private static <J> List<Long> ids(List<StoredJob<J>> jobs) {
    return jobs.stream().map(StoredJob::id).toList();
  }
}
