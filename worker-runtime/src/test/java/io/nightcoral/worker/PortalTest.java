package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.protocol.PostedJob;
import io.nightcoral.protocol.PostedJob.WhenCase;
import io.nightcoral.worker.TestHandlers.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortalTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Portal<Job> portal = portal(Job.class);

  @Test
  void knowsItsWorkerId() {
    assertEquals(7, portal.workerId());
  }

  @Test
  void refusesPostsWhileNoJobIsHandled() {
    assertClosed(portal);
    portal.open();
    portal.close();
    assertClosed(portal);
  }

  @Test
  void refusesMorePostsThanOneJobMayMakeAndKeepsTheEarlierOnes() {
    portal.open();
    List<Job> many =
        java.util.stream.IntStream.range(0, Portal.MAX_POSTS_PER_JOB)
            .mapToObj(i -> new Job("x", i))
            .toList();
    portal.postJobs(many);
    IllegalStateException tooMany =
        assertThrows(IllegalStateException.class, () -> portal.postJob(new Job("one", 1)));
    assertTrue(
        tooMany.getMessage().contains("at most " + Portal.MAX_POSTS_PER_JOB), tooMany.getMessage());
    assertThrows(IllegalStateException.class, () -> portal.postJobs(List.of(new Job("two", 2))));
    assertEquals(Portal.MAX_POSTS_PER_JOB, portal.close().size());
  }

  @Test
  void saturatesTimesBeyondWhatMillisecondsCanCount() {
    portal.open();
    portal.postJobAfter(Duration.ofSeconds(Long.MAX_VALUE), new Job("far", 1));
    portal.postJobAt(Instant.MAX, new Job("farthest", 2));
    portal.postJobAt(Instant.MIN, new Job("long past", 3));
    List<PostedJob> posted = portal.close();
    assertEquals(Long.MAX_VALUE, posted.get(0).getDelayMillis());
    assertEquals(Long.MAX_VALUE, posted.get(1).getAtEpochMillis());
    assertEquals(Long.MIN_VALUE, posted.get(2).getAtEpochMillis());
  }

  @Test
  void collectsPostsInOrderWithTheirTimes() {
    portal.open();
    portal.postJob(new Job("a", 1));
    portal.postJobs(List.of(new Job("b", 2), new Job("c", 3)));
    portal.postJobAfter(Duration.ofSeconds(2), new Job("d", 4));
    portal.postJobAt(Instant.ofEpochMilli(1_000_000), new Job("e", 5));
    List<PostedJob> posted = portal.close();

    assertEquals(
        List.of(
            "{\"kind\":\"a\",\"n\":1}",
            "{\"kind\":\"b\",\"n\":2}",
            "{\"kind\":\"c\",\"n\":3}",
            "{\"kind\":\"d\",\"n\":4}",
            "{\"kind\":\"e\",\"n\":5}"),
        posted.stream().map(PostedJob::getPayload).toList());
    assertEquals(
        List.of(
            WhenCase.WHEN_NOT_SET,
            WhenCase.WHEN_NOT_SET,
            WhenCase.WHEN_NOT_SET,
            WhenCase.DELAY_MILLIS,
            WhenCase.AT_EPOCH_MILLIS),
        posted.stream().map(PostedJob::getWhenCase).toList());
    assertEquals(2000, posted.get(3).getDelayMillis());
    assertEquals(1_000_000, posted.get(4).getAtEpochMillis());
    assertEquals(List.of(), portal.close());
  }

  @Test
  void postsStringJobsAsTheyAre() {
    Portal<String> strings = portal(String.class);
    strings.open();
    strings.postJob("{not json");
    assertEquals("{not json", strings.close().get(0).getPayload());
  }

  @Test
  void acceptsPostsFromOtherThreads() throws Exception {
    portal.open();
    CompletableFuture.runAsync(() -> portal.postJob(new Job("x", 1))).get(10, TimeUnit.SECONDS);
    assertEquals(1, portal.close().size());
  }

  @Test
  void refusesNullsAndNegativeDelays() {
    portal.open();
    assertThrows(NullPointerException.class, () -> portal.postJob(null));
    assertThrows(NullPointerException.class, () -> portal.postJobs(null));
    assertThrows(
        NullPointerException.class, () -> portal.postJobs(Arrays.asList(new Job("a", 1), null)));
    assertThrows(NullPointerException.class, () -> portal.postJobAfter(null, new Job("a", 1)));
    assertThrows(NullPointerException.class, () -> portal.postJobAfter(Duration.ZERO, null));
    assertThrows(NullPointerException.class, () -> portal.postJobAt(null, new Job("a", 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> portal.postJobAfter(Duration.ofMillis(-1), new Job("a", 1)));
    assertEquals(List.of(), portal.close());
  }

  @Test
  void refusesAJobThatCannotBeSerialisedAndPostsNoneOfItsBatch() {
    Portal<Object> objects = portal(Object.class);
    objects.open();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> objects.postJobs(List.of("fine", new Object())));
    assertTrue(e.getMessage().contains("No serializer found"), e.getMessage());
    assertEquals(List.of(), objects.close());
  }

  private static void assertClosed(Portal<Job> portal) {
    Job job = new Job("a", 1);
    assertThrows(IllegalStateException.class, () -> portal.postJob(job));
    assertThrows(IllegalStateException.class, () -> portal.postJobs(List.of(job)));
    assertThrows(IllegalStateException.class, () -> portal.postJobs(List.of()));
    assertThrows(IllegalStateException.class, () -> portal.postJobAfter(Duration.ZERO, job));
    assertThrows(IllegalStateException.class, () -> portal.postJobAt(Instant.now(), job));
  }

  private static <J> Portal<J> portal(Class<J> jobType) {
    return new Portal<>(7, new JobCodec<>(MAPPER, MAPPER.constructType(jobType)));
  }
}
