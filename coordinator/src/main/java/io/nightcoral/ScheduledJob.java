package io.nightcoral;

import java.time.Instant;

/**
 * A recurring job as stored: its name, its schedule's text, the job it adds at each firing, when it
 * next fires, when it last fired (null if never), and how many firings were skipped because the job
 * of the previous firing had not finished. The job is null if its stored text no longer decodes
 * into the job class; {@code payload} always holds that text.
 *
 * @param <J> the job type
 */
public record ScheduledJob<J>(
    String name,
    String schedule,
    J job,
    Instant nextRun,
    Instant lastRun,
    long skipped,
    String payload) {}
