package io.nightcoral;

import java.time.Instant;

/**
 * An unfinished job as stored, for inspection. {@code job} is null if its stored text no longer
 * decodes into the job class ({@code payload} always holds that text); {@code key} and {@code
 * lastError} are null when it has none.
 *
 * @param id the job's id
 * @param job the job
 * @param payload its stored text
 * @param key its unique key
 * @param priority its priority
 * @param state where it is
 * @param dueAt when it is (or was) due
 * @param createdAt when it was stored
 * @param attempts attempts started so far
 * @param lastError the last failed attempt's error
 * @param <J> the job type
 */
public record StoredJob<J>(
    long id,
    J job,
    String payload,
    String key,
    int priority,
    JobState state,
    Instant dueAt,
    Instant createdAt,
    int attempts,
    String lastError) {}
