package io.nightcoral;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Logs each setup to {@code dir/setups}, and fails setup while the file {@code dir/broken} exists.
 */
public class FlakySetupHandler implements JobHandler<TestJob, Void> {
  @Override
  public Void setup(JsonNode config, WorkerPortal<TestJob> portal) throws Exception {
    Path dir = Path.of(config.get("dir").asText());
    Files.writeString(
        dir.resolve("setups"), "setup\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (Files.exists(dir.resolve("broken"))) {
      throw new IllegalStateException("deployment is broken");
    }
    return null;
  }

  @Override
  public TestJob handle(TestJob job, Void state, WorkerPortal<TestJob> portal) {
    return job;
  }
}
