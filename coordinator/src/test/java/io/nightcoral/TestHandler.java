package io.nightcoral;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * A handler that misbehaves on command, so recovery code runs against real children. The job's task
 * names what to do; workerConfig may carry {@code dir}, a folder for the files some tasks write.
 */
public class TestHandler implements JobHandler<TestJob, JsonNode> {
  @Override
  public JsonNode setup(JsonNode config, WorkerPortal<TestJob> portal) {
    return config;
  }

  @Override
  public TestJob handle(TestJob job, JsonNode config, WorkerPortal<TestJob> portal)
      throws Exception {
    if (job.task().startsWith("big")) { // a job padded to take several database pages
      return null;
    }
    switch (job.task()) {
      case "gated-post": // records its run, waits for the file "gate", then posts a big job
        Path gateDir = Path.of(config.get("dir").asText());
        Files.writeString(gateDir.resolve("ran-" + job.value() + "-" + System.nanoTime()), "");
        awaitFile(gateDir.resolve("gate"));
        portal.postJob(new TestJob("big" + "x".repeat(20_000), job.value() + 1));
        return null;
      case "count":
        return null;
      case "square":
        return new TestJob("square", job.value() * job.value());
      case "config":
        return new TestJob(config.path("redisPassword").asText(), portal.workerId());
      case "pid":
        return new TestJob("pid", (int) ProcessHandle.current().pid());
      case "busy": // records which child runs it, then works for value ms
        Files.writeString(
            Path.of(config.get("dir").asText(), "busy-" + ProcessHandle.current().pid()), "");
        Thread.sleep(job.value());
        return new TestJob("busy", (int) ProcessHandle.current().pid());
      case "log": // appends its value to the file "order": the order jobs ran in
        Files.writeString(
            Path.of(config.get("dir").asText(), "order"),
            job.value() + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        return null;
      case "record": // notes one run of the job numbered value, in a file of its own
        Files.writeString(
            Path.of(config.get("dir").asText(), "run-" + job.value()),
            "ran\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        return null;
      case "sleep":
        Thread.sleep(job.value());
        return null;
      case "gate": // notes that it started, then waits until the test creates the file "gate"
        Path folder = Path.of(config.get("dir").asText());
        Files.writeString(folder.resolve("started-" + job.value()), "");
        awaitFile(folder.resolve("gate"));
        return null;
      case "post-many": // posts value timers due in an hour, one by one
        for (int i = 0; i < job.value(); i++) {
          portal.postJobAfter(Duration.ofHours(1), new TestJob("count", i));
        }
        return null;
      case "throw":
        throw new IllegalStateException("thrown on purpose " + job.value());
      case "crash":
        Runtime.getRuntime().halt(13);
        return null;
      case "exit":
        System.exit(3);
        return null;
      case "hang":
        Thread.sleep(Long.MAX_VALUE);
        return null;
      case "print":
        System.out.println("a handler printing to System.out must not break the protocol");
        return new TestJob("printed", job.value());
      case "garbage":
        FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
        raw.write("oops, not a frame\n".getBytes(StandardCharsets.UTF_8));
        raw.flush();
        Thread.sleep(Long.MAX_VALUE);
        return null;
      case "post":
        portal.postJob(new TestJob("count", job.value() + 1));
        portal.postJobAfter(Duration.ofMillis(50), new TestJob("count", job.value() + 2));
        portal.postJob(new TestJob("local", job.value() + 3));
        return null;
      case "post-then-throw":
        portal.postJob(new TestJob("count", job.value() + 1));
        throw new IllegalStateException("fails after posting");
      case "spawn": // starts a grandchild, then hangs
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        Files.writeString(Path.of(config.get("dir").asText(), "grandchild-" + sleeper.pid()), "");
        Thread.sleep(Long.MAX_VALUE);
        return null;
      case "spawn-inherit": // a grandchild holding the child's stdio; then 0 returns, 1 exits, 2
        // hangs
        Process holder = new ProcessBuilder("sleep", "600").inheritIO().start();
        Files.writeString(Path.of(config.get("dir").asText(), "grandchild-" + holder.pid()), "");
        if (job.value() == 1) {
          System.exit(3);
        } else if (job.value() == 2) {
          Thread.sleep(Long.MAX_VALUE);
        }
        return new TestJob("spawned", (int) holder.pid());
      case "stderr-flood": // writes value MiB to stderr with no newline in it
        FileOutputStream err = new FileOutputStream(FileDescriptor.err);
        byte[] block = new byte[1024 * 1024];
        Arrays.fill(block, (byte) 'e');
        for (int i = 0; i < job.value(); i++) {
          err.write(block);
        }
        err.flush();
        return new TestJob("flooded", job.value());
      default:
        throw new IllegalArgumentException("unknown task " + job.task());
    }
  }

  /** Waits in the child (at most a minute) until the test creates {@code file}. */
  static void awaitFile(Path file) {
    Await.await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
  }
}
