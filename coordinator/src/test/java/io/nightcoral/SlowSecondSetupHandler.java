package io.nightcoral;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs jobs as {@link TestHandler} does; writes {@code dir/setup-<worker id>-<pid>} at setup, and
 * worker 2's setup then waits (up to a minute) for the file {@code dir/go}, so that a test can act
 * while launch waits for it.
 */
public class SlowSecondSetupHandler implements JobHandler<TestJob, JsonNode> {
  private final TestHandler jobs = new TestHandler();

  @Override
  public JsonNode setup(JsonNode config, WorkerPortal<TestJob> portal) throws Exception {
    Path dir = Path.of(config.get("dir").asText());
    Files.writeString(
        dir.resolve("setup-" + portal.workerId() + "-" + ProcessHandle.current().pid()), "");
    if (portal.workerId() == 2) {
      TestHandler.awaitFile(dir.resolve("go"));
    }
    return config;
  }

  @Override
  public TestJob handle(TestJob job, JsonNode config, WorkerPortal<TestJob> portal)
      throws Exception {
    return jobs.handle(job, config, portal);
  }
}
