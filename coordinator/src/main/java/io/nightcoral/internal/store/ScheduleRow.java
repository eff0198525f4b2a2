package io.nightcoral.internal.store;

/**
 * A row of the schedules table: a recurring job's name, its schedule's text, the job's stored text,
 * when it next fires, when it last fired ({@link Long#MIN_VALUE} if never), the job its last firing
 * added (0 if none), and how many firings were skipped because that job had not finished.
 */
public record ScheduleRow(
    String name,
    String spec,
    String payload,
    long nextRun,
    long lastRun,
    long lastJob,
    long skipped) {}
