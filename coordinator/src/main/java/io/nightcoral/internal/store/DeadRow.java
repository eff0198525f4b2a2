package io.nightcoral.internal.store;

/** A row of the dead_jobs table. */
public record DeadRow(long id, String payload, int attempts, String lastError, long diedAt) {}
