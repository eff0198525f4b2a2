package io.nightcoral;

import io.nightcoral.internal.pool.Worker;

/**
 * A job handed to a worker: its id, stored text, attempt number, worker and when it was handed
 * over.
 */
record Running(long id, String payload, int attempts, Worker worker, long startNanos) {}
