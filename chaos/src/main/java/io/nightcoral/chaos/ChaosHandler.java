package io.nightcoral.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records each job it runs: one line {@code <key>\n} appended to a file of its own child process in
 * the folder named by the worker configuration's {@code resultsDir}, before the job is reported
 * done.
 *
 * <p>The stream is an unbuffered {@link FileOutputStream} in append mode, so each line is one
 * {@code write} call on an {@code O_APPEND} file: a {@code kill -9} never leaves half a line.
 */
public class ChaosHandler implements JobHandler<ChaosJob, FileOutputStream> {
  /** The worker configuration key naming the results folder. */
  static final String RESULTS_DIR = "resultsDir";

  @Override
  public FileOutputStream setup(JsonNode config, WorkerPortal<ChaosJob> portal) throws IOException {
    Path dir = Path.of(config.get(RESULTS_DIR).asText());
    Files.createDirectories(dir);
    String name =
        RanJobs.FILE_PREFIX + ProcessHandle.current().pid() + "-w" + portal.workerId() + ".txt";
    return new FileOutputStream(dir.resolve(name).toFile(), true);
  }

  @Override
  public ChaosJob handle(ChaosJob job, FileOutputStream out, WorkerPortal<ChaosJob> portal)
      throws IOException {
    out.write((job.key() + "\n").getBytes(StandardCharsets.UTF_8));
    return null;
  }
}
