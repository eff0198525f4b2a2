package io.nightcoral.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The code that runs jobs inside a worker child: one instance per child, made with its public
 * no-argument constructor, whose {@code handle} is called for one job at a time on one thread.
 *
 * <p>The job type {@code J} is read from the implementing class's declaration, so declare it
 * concretely: {@code class CountHandler implements JobHandler<Job, Conn>}. It may be {@code String}
 * (jobs pass as they are), {@link JsonNode}, or any class Jackson can map with {@link
 * #objectMapper()}.
 *
 * @param <J> the job type, which is also the type of a reply
 * @param <S> the state that {@code setup} makes and every {@code handle} call receives
 */
public interface JobHandler<J, S> {

  /**
   * The mapper that reads this child's jobs and the worker configuration, and writes replies and
   * posted jobs; called once per child, before {@link #setup}. The default is {@link
   * JobMappers#defaultMapper()}, which the coordinator also uses unless its builder is given
   * another; override it to register modules or change features (keep it compatible with the
   * coordinator's mapper).
   */
  default ObjectMapper objectMapper() {
    return JobMappers.defaultMapper();
  }

  /**
   * Runs once in each child before its first job, with the coordinator's worker configuration (a
   * {@code NullNode} when there is none), and returns the state passed to every {@link #handle}
   * call; a throw fails the child's start.
   */
  default S setup(JsonNode config, WorkerPortal<J> portal) throws Exception {
    return null;
  }

  /**
   * Runs one job and returns its reply, or null for no reply payload; a throw fails this attempt
   * and drops the jobs it posted.
   */
  J handle(J job, S state, WorkerPortal<J> portal) throws Exception;
}
