package io.nightcoral;

import java.time.Instant;

/**
 * A job set aside after its last failed attempt.
 *
 * @param id the job's id
 * @param job the job, or null when its stored text no longer decodes as the job type (a field of
 *     the job class changed since it was stored); {@link #payload()} and {@link #decodeError()}
 *     then say what is stored and why it does not decode
 * @param attempts attempts started
 * @param lastError the last attempt's error: exception class, message and stack, or how the worker
 *     died
 * @param diedAt when it was set aside
 * @param payload the job as stored: its JSON, or the string itself for string jobs
 * @param decodeError why {@code payload} does not decode as the job type, or null when it does
 * @param <J> the job type
 */
public record DeadJob<J>(
    long id,
    J job,
    int attempts,
    String lastError,
    Instant diedAt,
    String payload,
    String decodeError) {}
