package io.nightcoral.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.protocol.FrameReader;
import io.nightcoral.protocol.FrameWriter;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Ping;
import io.nightcoral.protocol.Pong;
import io.nightcoral.protocol.Post;
import io.nightcoral.protocol.PostedJob;
import io.nightcoral.protocol.Ready;
import io.nightcoral.protocol.Reply;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.Setup;
import io.nightcoral.protocol.ToWorker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A training run for a class-data-sharing archive: it loads the classes every child needs (the
 * runtime, the protocol messages and their codec, Jackson) without running any handler code, and
 * exits normally so the JVM can write the archive.
 */
final class Training {
  private Training() {}

  static void run() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FrameWriter writer = new FrameWriter(bytes);
    writer.write(
        ToWorker.newBuilder()
            .setSetup(
                Setup.newBuilder()
                    .setProtocolVersion(Frames.PROTOCOL_VERSION)
                    .setWorkerId(1)
                    .setConfigJson("{}")
                    .setHandlerClass("x"))
            .build());
    writer.write(
        ToWorker.newBuilder().setJob(RunJob.newBuilder().setId(1).setPayload("{\"a\":1}")).build());
    writer.write(ToWorker.newBuilder().setPing(Ping.newBuilder().setId(1)).build());
    writer.write(
        ToWorker.newBuilder()
            .setCancel(io.nightcoral.protocol.Cancel.newBuilder().setId(1))
            .build());
    writer.write(
        FromWorker.newBuilder().setReady(Ready.newBuilder().setProtocolVersion(1)).build());
    writer.write(
        FromWorker.newBuilder().setReply(Reply.newBuilder().setId(1).setPayload("{}")).build());
    writer.write(FromWorker.newBuilder().setPong(Pong.newBuilder().setId(1)).build());
    writer.write(
        FromWorker.newBuilder()
            .setStarted(io.nightcoral.protocol.Started.newBuilder().setId(1))
            .build());
    writer.write(
        FromWorker.newBuilder()
            .setCancelled(io.nightcoral.protocol.Cancelled.newBuilder().setId(1))
            .build());
    writer.write(
        FromWorker.newBuilder()
            .setPost(
                Post.newBuilder()
                    .setJobId(1)
                    .addJobs(PostedJob.newBuilder().setPayload("{}").setDelayMillis(1)))
            .build());
    writer.flush();
    FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes.toByteArray()));
    for (int i = 0; i < 4; i++) {
      reader.read(ToWorker.parser());
    }
    for (int i = 0; i < 6; i++) {
      reader.read(FromWorker.parser());
    }
    ObjectMapper json = JobMappers.defaultMapper();
    JsonNode tree =
        json.readTree(json.writeValueAsString(Map.of("task", "train", "values", List.of(1, 2))));
    json.treeToValue(tree, Map.class);
    json.readValue(json.writeValueAsString(List.of(Instant.EPOCH, Duration.ZERO)), List.class);
    json.readValue(json.writeValueAsString(Instant.EPOCH), Instant.class);
    Failures.of(new IllegalStateException("training"), "training");
    new HandlerLoader(json);
    StartRecord.open("").clear();
  }
}
