package io.nightcoral.spring;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.nio.file.Files;
import java.nio.file.Path;

/** The starter's test handler: squares, crashes its child, or works slowly and leaves a note. */
public class TestHandler implements JobHandler<Job, JsonNode> {
  @Override
  public JsonNode setup(JsonNode config, WorkerPortal<Job> portal) {
    return config;
  }

  @Override
  public Job handle(Job job, JsonNode config, WorkerPortal<Job> portal) throws Exception {
    switch (job.task()) {
      case "square":
        return new Job("square", job.value() * job.value());
      case "config":
        return new Job(config.path("greeting").asText(), 0);
      case "crash":
        Runtime.getRuntime().halt(13);
        return null;
      case "slow": // notes its start, works value ms, notes its end
        Path dir = Path.of(config.path("dir").asText());
        Files.writeString(dir.resolve("started"), "");
        Thread.sleep(job.value());
        Files.writeString(dir.resolve("finished"), "");
        return null;
      default:
        throw new IllegalArgumentException("unknown task " + job.task());
    }
  }
}
