package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import picocli.CommandLine.Command;

/** {@code nightcoral requeue ID}: queues a dead job again (on SQLite, while no server holds it). */
@Command(
    name = "requeue",
    description = {
      "Queues dead job ID again with a fresh attempt count; it runs at the server's next start.",
      "On SQLite only while no server holds the database (a running server's console does it",
      "live); on PostgreSQL (--url) at any time, as one more coordinator without workers."
    })
final class RequeueCommand extends DeadJobChange {
  @Override
  boolean change(NightCoral<String> nightCoral, long id) {
    return nightCoral.requeueDead(id);
  }

  @Override
  String done() {
    return "requeued";
  }
}
