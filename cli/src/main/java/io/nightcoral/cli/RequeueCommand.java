package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import picocli.CommandLine.Command;

/** {@code nightcoral requeue ID}: queues a dead job again, while no server holds the database. */
@Command(
    name = "requeue",
    description = {
      "Queues dead job ID again with a fresh attempt count; it runs at the server's next start.",
      "Only while no server holds the database: a running server's console does it live."
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
