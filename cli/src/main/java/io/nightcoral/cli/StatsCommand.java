package io.nightcoral.cli;

import io.nightcoral.DatabaseCounts;
import io.nightcoral.NightCoralReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nightcoral stats}: how many jobs of each kind the database holds. */
@Command(
    name = "stats",
    description = "How many jobs of each kind the database holds; works while a server runs.")
final class StatsCommand implements Callable<Integer> {
  @Mixin private DatabaseOption database;
  @Mixin private OutputOption output;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    DatabaseCounts counts;
    try (NightCoralReader reader = database.openReader()) {
      counts = reader.counts();
    }
    output.print(
        spec.commandLine().getOut(),
        counts,
        out ->
            new Table("KIND", "JOBS")
                .row("queued", counts.queued())
                .row("timers", counts.timers())
                .row("retrying", counts.retrying())
                .row("dead", counts.dead())
                .row("schedules", counts.schedules())
                .print(out));
    return NightCoralCli.OK;
  }
}
