package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.Setup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerLoaderTest {

  private final HandlerLoader loader = new HandlerLoader(new ObjectMapper());

  @Test
  void loadsAHandlerAndRunsItsSetupWithTheConfig() throws SetupException {
    HandlerInvoker<?, ?> invoker =
        loader.load(setup(TestHandlers.Commands.class.getName(), "{\"a\":1}"));
    List<FromWorker> sent = new ArrayList<>();
    invoker.run(RunJob.newBuilder().setId(5).setPayload("whoami").build(), sent::add);
    assertEquals("{\"a\":1} on worker 3", sent.get(0).getReply().getPayload());
  }

  @Test
  void passesANullNodeWhenThereIsNoConfig() throws SetupException {
    for (String none : List.of("null", "")) {
      List<FromWorker> sent = new ArrayList<>();
      loader
          .load(setup(TestHandlers.Commands.class.getName(), none))
          .run(RunJob.newBuilder().setId(5).setPayload("whoami").build(), sent::add);
      assertEquals("null on worker 3", sent.get(0).getReply().getPayload());
    }
  }

  @Test
  void explainsAnUnknownClass() {
    SetupException e = failure("com.example.NoSuchHandler", "null");
    assertTrue(e.getMessage().contains("com.example.NoSuchHandler"), e.getMessage());
    assertInstanceOf(ClassNotFoundException.class, e.culprit());
  }

  @Test
  void explainsAClassThatIsNotAHandler() {
    SetupException e = failure("java.lang.String", "null");
    assertTrue(
        e.getMessage().contains("does not implement " + JobHandler.class.getName()),
        e.getMessage());
  }

  @Test
  void explainsAMissingNoArgumentConstructor() {
    SetupException e = failure(TestHandlers.NeedsArgument.class.getName(), "null");
    assertTrue(e.getMessage().contains("public no-argument constructor"), e.getMessage());
  }

  @Test
  void explainsAnUnboundJobType() {
    SetupException e = failure(TestHandlers.Unbound.class.getName(), "null");
    assertTrue(e.getMessage().contains("implements JobHandler<MyJob, S>"), e.getMessage());
  }

  @Test
  void carriesTheExceptionSetupThrew() {
    SetupException e = failure(TestHandlers.FailingSetup.class.getName(), "null");
    assertTrue(e.getMessage().contains(TestHandlers.FailingSetup.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("no database"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.culprit());
  }

  @Test
  void refusesPostsFromSetup() {
    SetupException e = failure(TestHandlers.PostsInSetup.class.getName(), "null");
    assertInstanceOf(IllegalStateException.class, e.culprit());
  }

  @Test
  void readsTheJdkTimeTypesWithTheDefaultMapper() throws SetupException {
    List<FromWorker> sent = new ArrayList<>();
    loader
        .load(setup(TestHandlers.Later.class.getName(), "null"))
        .run(
            RunJob.newBuilder()
                .setId(5)
                .setPayload(
                    "{\"name\":\"a\",\"at\":\"2024-05-01T10:00:00Z\",\"after\":\"PT90M\","
                        + "\"addedLater\":true}")
                .build(),
            sent::add);
    assertEquals(
        "{\"name\":\"a\",\"at\":\"2024-05-01T11:30:00Z\",\"after\":\"PT1H30M\"}",
        sent.get(0).getReply().getPayload());
  }

  @Test
  void readsAndWritesJobsWithTheHandlersOwnMapper() throws SetupException {
    List<FromWorker> sent = new ArrayList<>();
    loader
        .load(setup(TestHandlers.SnakeCase.class.getName(), "{\"first_key\":1}"))
        .run(
            RunJob.newBuilder().setId(5).setPayload("{\"first_name\":\"ada\"}").build(), sent::add);
    assertEquals("{\"first_name\":\"ADA\"}", sent.get(0).getReply().getPayload());
  }

  @Test
  void explainsAnObjectMapperThatThrows() {
    SetupException e = failure(TestHandlers.BrokenMapper.class.getName(), "null");
    assertTrue(e.getMessage().contains("objectMapper()"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.culprit());
  }

  @Test
  void explainsAConfigThatIsNotJson() {
    SetupException e = failure(TestHandlers.Commands.class.getName(), "{oops");
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  private SetupException failure(String handlerClass, String config) {
    return assertThrows(SetupException.class, () -> loader.load(setup(handlerClass, config)));
  }

  private static Setup setup(String handlerClass, String config) {
    return Setup.newBuilder()
        .setProtocolVersion(Frames.PROTOCOL_VERSION)
        .setWorkerId(3)
        .setHandlerClass(handlerClass)
        .setConfigJson(config)
        .build();
  }
}
