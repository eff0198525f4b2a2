package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import picocli.CommandLine.Command;

/** {@code nightcoral requeue ID}: queues a dead job again (on SQLite, while no server holds it). */
@Command(
    name = "requeue",
    description = {
      "Queues dead job ID again with a fresh attempt count, for the next server that runs jobs.",
      DeadJobChange.WHEN_1,
      DeadJobChange.WHEN_2
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
