package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code addAll} stores many jobs in few statements: every payload comes back exactly, under the id
 * returned for it, in the order given, across the statements' boundaries.
 */
class AddAllTest {
  private static final String[] TASKS = {
    "plain",
    "a \"quoted\" word",
    "back\\slash",
    "line\nbreak\tand tab",
    "\u0001 a control character",
    "ünïcødé and an emoji \uD83E\uDEB8",
    "{\"looks\":[\"like\",\"json\"]}",
    "",
    "[\"an array\"]"
  };

  @TempDir Path dir;

  @Test
  void everyPayloadIsStoredExactlyUnderTheIdReturnedForIt() throws Exception {
    Path db = dir.resolve("many.db");
    List<TestJob> jobs = new ArrayList<>();
    for (int i = 0; i < 2_345; i++) {
      jobs.add(new TestJob(TASKS[i % TASKS.length], i));
    }
    List<QueuedJob> handles;
    try (NightCoral<TestJob> nc = TestStore.at(NightCoral.builder(TestJob.class), db).build()) {
      nc.add(new TestJob("before", -1));
      handles = nc.addAll(jobs);
      nc.addAll(List.of(new TestJob("one", -2))); // a batch of one
      assertEquals(jobs.size() + 2, nc.stats().queued());
    }
    assertEquals(jobs.size(), handles.size());
    for (int i = 1; i < handles.size(); i++) {
      assertTrue(handles.get(i).id() > handles.get(i - 1).id(), "ids ascend in the given order");
    }
    Map<Long, TestJob> stored = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (NightCoralReader reader = TestStore.reader(db)) {
      JobFilter oldestFirst = JobFilter.all().oldestFirst().limit(JobFilter.MAX_LIMIT);
      List<StoredJob<String>> page = reader.jobs(oldestFirst);
      while (!page.isEmpty()) {
        for (StoredJob<String> job : page) {
          stored.put(job.id(), json.readValue(job.payload(), TestJob.class));
        }
        page = reader.jobs(oldestFirst.after(page.get(page.size() - 1).id()));
      }
    }
    assertEquals(jobs.size() + 2, stored.size());
    for (int i = 0; i < jobs.size(); i++) {
      assertEquals(jobs.get(i), stored.get(handles.get(i).id()), "job " + i);
    }
  }
}
