package io.nightcoral;

import java.time.Instant;

/**
 * A job set aside after its last failed attempt.
 *
 * @param id the job's id
 * @param job the job
 * @param attempts attempts started
 * @param lastError the last attempt's error: exception class, message and stack, or how the worker
 *     died
 * @param diedAt when it was set aside
 * @param <J> the job type
 */
public record DeadJob<J>(long id, J job, int attempts, String lastError, Instant diedAt) {}
