package io.nightcoral.worker;

import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.Post;
import io.nightcoral.protocol.PostedJob;
import io.nightcoral.protocol.Reply;
import io.nightcoral.protocol.RunJob;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Runs one job through the handler and turns the outcome into a Post (if any) and a Reply. */
final class HandlerInvoker<J, S> {

  private final JobHandler<J, S> handler;
  private final S state;
  private final JobCodec<J> codec;
  private final Portal<J> portal;

  HandlerInvoker(JobHandler<J, S> handler, S state, JobCodec<J> codec, Portal<J> portal) {
    this.handler = handler;
    this.state = state;
    this.codec = codec;
    this.portal = portal;
  }

  /** A job's payload decoded ahead of its start, or what decoding it threw. */
  record Decoded<J>(J job, Throwable failure) {}

  /** Decodes {@code job}'s payload; a failure is kept, to become the job's failure reply. */
  Decoded<J> decode(RunJob job) {
    try {
      return new Decoded<>(codec.decode(job.getPayload()), null);
    } catch (Throwable thrown) {
      return new Decoded<>(null, thrown);
    }
  }

  /**
   * Decodes and handles {@code job}: {@link #decode}, then {@link #run(RunJob, Decoded, Consumer)}.
   */
  void run(RunJob job, Consumer<FromWorker> send) {
    run(job, decode(job), send);
  }

  /**
   * Handles {@code job}, decoded as {@code decoded}, then sends the jobs it posted and its reply;
   * whatever the handler (or decoding) threw becomes a failure reply, and a {@link
   * VirtualMachineError} is rethrown after.
   */
  void run(RunJob job, Decoded<J> decoded, Consumer<FromWorker> send) {
    Reply.Builder reply = Reply.newBuilder().setId(job.getId());
    VirtualMachineError fatal = null;
    portal.open();
    long started = System.nanoTime();
    try {
      if (decoded.failure() != null) {
        throw decoded.failure();
      }
      String payload = codec.encode(handler.handle(decoded.job(), state, portal));
      if (payload != null) {
        reply.setPayload(payload);
      }
    } catch (Throwable thrown) {
      reply.setFailure(Failures.of(thrown));
      if (thrown instanceof VirtualMachineError error) {
        fatal = error;
      }
    }
    reply.setHandlerNanos(System.nanoTime() - started);
    List<PostedJob> posted = portal.close();
    FromWorker post =
        posted.isEmpty()
            ? null
            : FromWorker.newBuilder()
                .setPost(Post.newBuilder().setJobId(job.getId()).addAllJobs(posted))
                .build();
    FromWorker answer = FromWorker.newBuilder().setReply(reply).build();
    FromWorker oversized = tooLarge(answer) ? answer : tooLarge(post) ? post : null;
    if (oversized != null) {
      post = null;
      answer =
          FromWorker.newBuilder()
              .setReply(
                  Reply.newBuilder()
                      .setId(job.getId())
                      .setHandlerNanos(reply.getHandlerNanos())
                      .setFailure(
                          Failures.of(
                              new IllegalArgumentException(
                                  "job "
                                      + job.getId()
                                      + " produced a "
                                      + oversized.getBodyCase().name().toLowerCase(Locale.ROOT)
                                      + " frame of "
                                      + oversized.getSerializedSize()
                                      + " bytes, over the limit of "
                                      + Frames.MAX_BODY_BYTES))))
              .build();
    }
    if (post != null) {
      send.accept(post);
    }
    send.accept(answer);
    if (fatal != null) {
      throw fatal;
    }
  }

  private static boolean tooLarge(FromWorker frame) {
    return frame != null && frame.getSerializedSize() > Frames.MAX_BODY_BYTES;
  }
}
