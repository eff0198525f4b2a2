package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import picocli.CommandLine.Command;

/** {@code nightcoral delete-dead ID}: deletes a dead job (on SQLite, while no server holds it). */
@Command(
    name = "delete-dead",
    description = {"Deletes dead job ID for good.", DeadJobChange.WHEN_1, DeadJobChange.WHEN_2})
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
