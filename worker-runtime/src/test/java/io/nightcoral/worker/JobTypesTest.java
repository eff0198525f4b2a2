package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightcoral.worker.TestHandlers.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobTypesTest {

  static class Direct implements JobHandler<Job, Object> {
    @Override
    public Job handle(Job job, Object state, WorkerPortal<Job> portal) {
      return job;
    }
  }

  /** Declares its variables in the other order than JobHandler does. */
  abstract static class Base<S, T> implements JobHandler<T, S> {}

  static class ThroughBase extends Base<String, Job> {
    @Override
    public Job handle(Job job, String state, WorkerPortal<Job> portal) {
      return job;
    }
  }

  abstract static class Middle<X> extends Base<Void, X> {}

  static class ThroughTwoLevels extends Middle<Job> {
    @Override
    public Job handle(Job job, Void state, WorkerPortal<Job> portal) {
      return job;
    }
  }

  interface TextHandler<S> extends JobHandler<String, S> {}

  static class Text implements TextHandler<Void> {
    @Override
    public String handle(String job, Void state, WorkerPortal<String> portal) {
      return job;
    }
  }

  static class Json implements JobHandler<JsonNode, Void> {
    @Override
    public JsonNode handle(JsonNode job, Void state, WorkerPortal<JsonNode> portal) {
      return job;
    }
  }

  static class Listing implements JobHandler<List<Job>, Void> {
    @Override
    public List<Job> handle(List<Job> job, Void state, WorkerPortal<List<Job>> portal) {
      return job;
    }
  }

  static class BoundLater extends TestHandlers.Unbound<Job> {}

  /** Binds S but leaves J open. */
  static class StateOnly<J> extends Base<String, J> {
    @Override
    public J handle(J job, String state, WorkerPortal<J> portal) {
      return job;
    }
  }

  @SuppressWarnings("rawtypes")
  static class Raw implements JobHandler {
    @Override
    public Object handle(Object job, Object state, WorkerPortal portal) {
      return job;
    }
  }

  @Test
  void readsADirectDeclaration() {
    assertEquals(Job.class, jobType(Direct.class).getRawClass());
  }

  @Test
  void resolvesVariablesThroughAbstractGenericSuperclasses() {
    assertEquals(Job.class, jobType(ThroughBase.class).getRawClass());
    assertEquals(Job.class, jobType(ThroughTwoLevels.class).getRawClass());
    assertEquals(Job.class, jobType(BoundLater.class).getRawClass());
  }

  @Test
  void resolvesThroughASubinterface() {
    assertEquals(String.class, jobType(Text.class).getRawClass());
  }

  @Test
  void readsStringAndJsonNodeJobs() {
    assertEquals(String.class, jobType(TestHandlers.Commands.class).getRawClass());
    assertEquals(JsonNode.class, jobType(Json.class).getRawClass());
  }

  @Test
  void keepsTypeArgumentsOfAGenericJobType() {
    JavaType type = jobType(Listing.class);
    assertEquals(List.class, type.getRawClass());
    assertEquals(Job.class, type.getContentType().getRawClass());
  }

  @Test
  void refusesAnUnboundJobType() {
    for (Class<?> handler : List.of(TestHandlers.Unbound.class, StateOnly.class, Raw.class)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> jobType(handler));
      assertTrue(e.getMessage().contains(handler.getName()), e.getMessage());
      assertTrue(e.getMessage().contains("implements JobHandler<MyJob, S>"), e.getMessage());
    }
  }

  private static JavaType jobType(Class<?> handler) {
    return JobTypes.of(handler, new ObjectMapper().getTypeFactory());
  }
}
