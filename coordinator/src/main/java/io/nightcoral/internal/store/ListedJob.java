package io.nightcoral.internal.store;

/**
 * A row of the jobs table as an inspection lists it; {@code key} and {@code lastError} are null
 * when the job has none.
 */
public record ListedJob(
    long id,
    String payload,
    long dueAt,
    long createdAt,
    int attempts,
    int priority,
    String key,
    String lastError) {}
