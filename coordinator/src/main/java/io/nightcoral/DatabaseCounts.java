package io.nightcoral;

/**
 * How many jobs a database holds, by kind, as a {@link NightCoralReader} sees it.
 *
 * @param queued jobs due (waiting for a worker, or running)
 * @param timers jobs waiting for their time
 * @param retrying jobs waiting out the backoff after a failed attempt
 * @param dead jobs set aside after their last attempt
 * @param schedules recurring jobs
 */
public record DatabaseCounts(long queued, long timers, long retrying, long dead, long schedules) {}
