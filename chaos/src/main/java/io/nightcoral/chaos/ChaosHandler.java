package io.nightcoral.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Records each job it runs in a file of its own child process, in the folder named by the worker
 * configuration's {@code resultsDir}: a line {@code S <key> <id> <attempt> <nanoTime>} when the
 * handler starts, then, after {@code jobMillis} (default 0) of sleep, {@code D <key> <id>
 * <attempt>} just before the job is reported done.
 *
 * <p>The job's id and attempt are what the child noted in its start record (named by the worker
 * configuration's {@code startRecords} folder; without it both are 0). {@code nanoTime} is {@link
 * System#nanoTime()}, which on Linux reads the machine's monotonic clock, the same in every
 * process.
 *
 * <p>The stream is an unbuffered {@link FileOutputStream} in append mode, so each line is one
 * {@code write} call on an {@code O_APPEND} file: a {@code kill -9} never leaves half a line.
 */
public class ChaosHandler implements JobHandler<ChaosJob, ChaosHandler.Output> {
  /** The worker configuration key naming the results folder. */
  static final String RESULTS_DIR = "resultsDir";

  /** The worker configuration key naming the database's start-record folder (optional). */
  static final String START_RECORDS = "startRecords";

  /** The worker configuration key giving how long each job takes, in milliseconds (optional). */
  static final String JOB_MILLIS = "jobMillis";

  /** What a child keeps between jobs: its result file, its start record, the job length. */
  static final class Output {
    private final FileOutputStream out;
    private final FileChannel record;
    private final long jobMillis;
    private final ByteBuffer buffer = ByteBuffer.allocate(StartNotes.BYTES);

    Output(FileOutputStream out, FileChannel record, long jobMillis) {
      this.out = out;
      this.record = record;
      this.jobMillis = jobMillis;
    }

    /** The note in this child's start record: the job it runs now. */
    Optional<StartNotes.Note> note() throws IOException {
      if (record == null) {
        return Optional.empty();
      }
      buffer.clear();
      while (buffer.hasRemaining() && record.read(buffer, buffer.position()) > 0) {
        // read the whole record
      }
      buffer.flip();
      return StartNotes.decode(buffer);
    }

    void line(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Output setup(JsonNode config, WorkerPortal<ChaosJob> portal) throws IOException {
    Path dir = Path.of(config.get(RESULTS_DIR).asText());
    Files.createDirectories(dir);
    String name =
        RanJobs.FILE_PREFIX + ProcessHandle.current().pid() + "-w" + portal.workerId() + ".txt";
    FileChannel record = null;
    if (config.hasNonNull(START_RECORDS)) {
      Path file = StartNotes.slot(Path.of(config.get(START_RECORDS).asText()), portal.workerId());
      record = FileChannel.open(file, StandardOpenOption.READ);
    }
    long jobMillis = config.hasNonNull(JOB_MILLIS) ? config.get(JOB_MILLIS).asLong() : 0;
    return new Output(new FileOutputStream(dir.resolve(name).toFile(), true), record, jobMillis);
  }

  @Override
  public ChaosJob handle(ChaosJob job, Output output, WorkerPortal<ChaosJob> portal)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    StartNotes.Note note = output.note().orElse(new StartNotes.Note(0, 0));
    String run = job.key() + " " + note.id() + " " + note.attempt();
    output.line("S " + run + " " + started + "\n");
    if (output.jobMillis > 0) {
      Thread.sleep(output.jobMillis);
    }
    output.line("D " + run + "\n");
    return null;
  }
}
