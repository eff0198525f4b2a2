package io.nightcoral.cli;

import io.nightcoral.JobFilter;
import io.nightcoral.JobState;
import io.nightcoral.NightCoralReader;
import io.nightcoral.StoredJob;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nightcoral jobs}: a page of unfinished jobs, by id. */
@Command(
    name = "jobs",
    description = {
      "A page of unfinished jobs (queued, timers, retrying), by id; works while a server runs.",
      "A job due now shows as QUEUED, also while a worker runs it."
    })
final class JobsCommand implements Callable<Integer> {
  /** The states {@code --state} takes. */
  enum StateChoice {
    QUEUED(JobState.QUEUED),
    TIMERS(JobState.TIMER),
    RETRYING(JobState.RETRYING);

    private final JobState state;

    StateChoice(JobState state) {
      this.state = state;
    }
  }

  /** A job as {@code --json} shows it: {@code job} is its stored text. */
  record JobRow(
      long id,
      JobState state,
      int priority,
      String key,
      Instant dueAt,
      Instant createdAt,
      int attempts,
      String job,
      String lastError) {}

  @Mixin private DatabaseOption database;
  @Mixin private OutputOption output;
  @Spec private CommandSpec spec;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "only queued (due, running ones included), timers or retrying jobs")
  private StateChoice state;

  @Option(names = "--key", paramLabel = "KEY", description = "only the job with this unique key")
  private String key;

  @Option(names = "--priority", paramLabel = "N", description = "only jobs of this priority")
  private Integer priority;

  @Option(names = "--newest-first", description = "highest id first (default: lowest first)")
  private boolean newestFirst;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "at most N jobs, 1 to 1000 (default: ${DEFAULT-VALUE})")
  private int limit;

  @Option(
      names = "--after",
      paramLabel = "ID",
      description = "the page after job ID, in the order chosen (for the next page)")
  private Long after;

  @Override
  public Integer call() {
    JobFilter filter = filter();
    List<StoredJob<String>> jobs;
    try (NightCoralReader reader = database.openReader()) {
      jobs = reader.jobs(filter);
    }
    List<JobRow> rows =
        jobs.stream()
            .map(
                j ->
                    new JobRow(
                        j.id(),
                        j.state(),
                        j.priority(),
                        j.key(),
                        j.dueAt(),
                        j.createdAt(),
                        j.attempts(),
                        j.payload(),
                        j.lastError()))
            .toList();
    output.print(
        spec.commandLine().getOut(),
        rows,
        out -> {
          Table table =
              new Table("ID", "STATE", "PRIORITY", "KEY", "DUE", "ATTEMPTS", "JOB", "LAST ERROR");
          for (JobRow j : rows) {
            table.row(
                j.id(),
                j.state(),
                j.priority(),
                Table.cut(j.key(), 24),
                Table.time(j.dueAt()),
                j.attempts(),
                Table.cut(j.job(), 40),
                Table.cut(Table.firstLine(j.lastError()), 60));
          }
          if (table.isEmpty()) {
            out.println("no jobs");
            return;
          }
          table.print(out);
          if (rows.size() == limit) {
            out.println("more may follow: --after " + rows.get(rows.size() - 1).id());
          }
        });
    return NightCoralCli.OK;
  }

  private JobFilter filter() {
    try {
      JobFilter filter = JobFilter.all().limit(limit);
      if (state != null) {
        filter = filter.state(state.state);
      }
      if (key != null) {
        filter = filter.key(key);
      }
      if (priority != null) {
        filter = filter.priority(priority);
      }
      if (newestFirst) {
        filter = filter.newestFirst();
      }
      if (after != null) {
        filter = filter.after(after);
      }
      return filter;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
