package io.nightcoral.cli;

import io.nightcoral.DeadJob;
import io.nightcoral.NightCoralReader;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nightcoral dead}: the jobs set aside after their last failed attempt. */
@Command(
    name = "dead",
    description = {
      "Dead jobs, oldest death first; works while a server runs.",
      "The table shows each error's first line; --json has the whole error and stack."
    })
final class DeadCommand implements Callable<Integer> {
  /** A dead job as {@code --json} shows it: {@code job} is its stored text. */
  record DeadRow(long id, int attempts, Instant diedAt, String job, String lastError) {}

  @Mixin private DatabaseOption database;
  @Mixin private OutputOption output;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    List<DeadJob<String>> dead;
    try (NightCoralReader reader = database.openReader()) {
      dead = reader.deadJobs();
    }
    List<DeadRow> rows =
        dead.stream()
            .map(d -> new DeadRow(d.id(), d.attempts(), d.diedAt(), d.payload(), d.lastError()))
            .toList();
    output.print(
        spec.commandLine().getOut(),
        rows,
        out -> {
          Table table = new Table("ID", "DIED", "ATTEMPTS", "JOB", "ERROR");
          for (DeadRow d : rows) {
            table.row(
                d.id(),
                Table.time(d.diedAt()),
                d.attempts(),
                Table.cut(d.job(), 40),
                Table.cut(Table.firstLine(d.lastError()), 60));
          }
          if (table.isEmpty()) {
            out.println("no dead jobs");
          } else {
            table.print(out);
          }
        });
    return NightCoralCli.OK;
  }
}
