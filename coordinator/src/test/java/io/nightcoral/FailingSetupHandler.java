package io.nightcoral;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;

/** A handler whose setup always throws. */
public class FailingSetupHandler implements JobHandler<TestJob, Void> {
  @Override
  public Void setup(JsonNode config, WorkerPortal<TestJob> portal) {
    throw new IllegalStateException("cannot reach the database at setup");
  }

  @Override
  public TestJob handle(TestJob job, Void state, WorkerPortal<TestJob> portal) {
    return job;
  }
}
