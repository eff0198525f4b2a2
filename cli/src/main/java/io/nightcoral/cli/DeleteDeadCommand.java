package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import picocli.CommandLine.Command;

/** {@code nightcoral delete-dead ID}: deletes a dead job, while no server holds the database. */
@Command(
    name = "delete-dead",
    description = {
      "Deletes dead job ID for good.",
      "Only while no server holds the database: a running server's console does it live."
    })
final class DeleteDeadCommand extends DeadJobChange {
  @Override
  boolean change(NightCoral<String> nightCoral, long id) {
    return nightCoral.deleteDead(id);
  }

  @Override
  String done() {
    return "deleted";
  }
}
