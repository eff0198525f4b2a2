package io.nightcoral.examples.boot;

import io.nightcoral.NightCoral;
import io.nightcoral.QueuedJob;
import io.nightcoral.Stats;
import io.nightcoral.examples.handlers.Job;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Adds jobs, asks a query, and shows the queue's figures. */
@RestController
public class JobsController {
  private final NightCoral<Job> nightCoral;

  public JobsController(NightCoral<Job> nightCoral) {
    this.nightCoral = nightCoral;
  }

  /**
   * Stores {@code copies} copies of the job (numbered from its value); they run in the children.
   */
  @PostMapping("/jobs")
  public Map<String, Object> add(
      @RequestBody Job job, @RequestParam(name = "copies", defaultValue = "1") int copies) {
    List<Long> ids =
        nightCoral
            .addAll(
                java.util.stream.LongStream.range(0, copies)
                    .mapToObj(i -> new Job(job.task(), job.value() + i))
                    .toList())
            .stream()
            .map(QueuedJob::id)
            .toList();
    return Map.of("ids", ids);
  }

  /** Asks a child for the square of {@code n}; the reply comes back without blocking a thread. */
  @GetMapping("/square/{n}")
  public CompletableFuture<Job> square(@PathVariable("n") long n) {
    return nightCoral.addQuery(new Job("square", n)).reply();
  }

  /** The queue's figures now. */
  @GetMapping("/stats")
  public Stats stats() {
    return nightCoral.stats();
  }
}
