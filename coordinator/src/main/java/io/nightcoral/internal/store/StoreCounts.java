package io.nightcoral.internal.store;

/** How many jobs a database holds, by kind, as of a time. */
public record StoreCounts(long due, long timers, long retrying, long dead, long schedules) {}
