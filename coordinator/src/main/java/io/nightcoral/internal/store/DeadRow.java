package io.nightcoral.internal.store;

/** A row of the dead_jobs table; {@code key} is null for a job added without one. */
public record DeadRow(
    long id,
    String payload,
    int attempts,
    String lastError,
    long diedAt,
    String key,
    int priority) {}
