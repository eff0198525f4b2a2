/**
 * The handler API of NightCoral worker children ({@link io.nightcoral.worker.JobHandler}, {@link
 * io.nightcoral.worker.WorkerPortal}) and their entry point {@link
 * io.nightcoral.worker.WorkerMain}.
 */
package io.nightcoral.worker;
