package io.nightcoral.cli;

import io.nightcoral.NightCoralReader;
import io.nightcoral.ScheduledJob;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nightcoral schedules}: the recurring jobs. */
@Command(
    name = "schedules",
    description =
        "Recurring jobs, by name, with their next and last runs; works while a server runs.")
final class SchedulesCommand implements Callable<Integer> {
  /** A recurring job as {@code --json} shows it: {@code job} is the stored text it adds. */
  record ScheduleRow(
      String name, String schedule, Instant nextRun, Instant lastRun, long skipped, String job) {}

  @Mixin private DatabaseOption database;
  @Mixin private OutputOption output;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    List<ScheduledJob<String>> schedules;
    try (NightCoralReader reader = database.openReader()) {
      schedules = reader.schedules();
    }
    List<ScheduleRow> rows =
        schedules.stream()
            .map(
                s ->
                    new ScheduleRow(
                        s.name(), s.schedule(), s.nextRun(), s.lastRun(), s.skipped(), s.payload()))
            .toList();
    output.print(
        spec.commandLine().getOut(),
        rows,
        out -> {
          Table table = new Table("NAME", "SCHEDULE", "NEXT RUN", "LAST RUN", "SKIPPED", "JOB");
          for (ScheduleRow s : rows) {
            table.row(
                Table.cut(s.name(), 30),
                s.schedule(),
                Table.time(s.nextRun()),
                Table.time(s.lastRun()),
                s.skipped(),
                Table.cut(s.job(), 40));
          }
          if (table.isEmpty()) {
            out.println("no schedules");
          } else {
            table.print(out);
          }
        });
    return NightCoralCli.OK;
  }
}
