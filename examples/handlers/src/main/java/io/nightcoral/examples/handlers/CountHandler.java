package io.nightcoral.examples.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example handler: counts, squares, sounds alarms, and does slow work. Each child builds its
 * own {@link Connection} in {@code setup} from the coordinator's workerConfig.
 */
public class CountHandler implements JobHandler<Job, CountHandler.Connection> {
  /** Per-child state, as a real handler would hold a database or Redis connection. */
  public record Connection(String password, Path pidDir) {}

  @Override
  public Connection setup(JsonNode config, WorkerPortal<Job> portal) {
    System.out.println(
        "worker "
            + portal.workerId()
            + " connected with password "
            + config.path("redisPassword").asText());
    return new Connection(
        config.path("redisPassword").asText(), Path.of(config.path("pidDir").asText(".")));
  }

  @Override
  public Job handle(Job job, Connection conn, WorkerPortal<Job> portal) throws Exception {
    long pid = ProcessHandle.current().pid();
    switch (job.task()) {
      case "count":
        System.out.println(
            "worker " + portal.workerId() + " (pid " + pid + ") counts " + job.value());
        return null;
      case "square":
        return new Job("square", job.value() * job.value());
      case "alarm":
        System.out.println("worker " + portal.workerId() + " sounds alarm " + job.value());
        return null;
      case "slow":
        // leave a note saying which child runs the slow job, so the demo can kill it
        Files.writeString(conn.pidDir().resolve("slow-" + pid), "");
        Thread.sleep(job.value());
        return new Job("slow-done-on-pid", pid);
      default:
        throw new IllegalArgumentException("unknown task " + job.task());
    }
  }
}
