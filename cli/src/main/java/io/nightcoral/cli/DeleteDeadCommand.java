package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import picocli.CommandLine.Command;

/** {@code nightcoral delete-dead ID}: deletes a dead job (on SQLite, while no server holds it). */
@Command(
    name = "delete-dead",
    description = {
      "Deletes dead job ID for good.",
      "On SQLite only while no server holds the database (a running server's console does it",
      "live); on PostgreSQL (--url) at any time, as one more coordinator without workers."
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
