package io.nightcoral.console;

import io.nightcoral.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The overview: the {@code stats()} figures, and a chart of retired jobs per second and of the
 * queue's size over the sampler's history; the page's script polls {@code overview.json} and
 * redraws both.
 */
final class OverviewPage {
  private static final String[][] FIGURES = {
    {"queued", "Queued"},
    {"running", "Running"},
    {"retired", "Retired"},
    {"timers", "Timers and retries"},
    {"dead", "Dead jobs"},
    {"workers", "Workers"},
    {"idleWorkers", "Idle workers"},
    {"died", "Workers died"},
    {"spares", "Warm spares"},
  };

  /**
   * One point of the chart.
   *
   * @param at when, epoch millis
   * @param retiredPerSecond jobs retired per second since the point before
   * @param queued jobs queued then
   */
  record Point(long at, double retiredPerSecond, long queued) {}

  private final Supplier<Stats> stats;
  private final Sampler sampler;

  OverviewPage(Supplier<Stats> stats, Sampler sampler) {
    this.stats = stats;
    this.sampler = sampler;
  }

  ConsoleResponse json(Exchange ex) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("stats", stats.get());
    body.put("sampleIntervalMillis", sampler.interval().toMillis());
    body.put("points", points(sampler.samples()));
    return Json.response(200, body);
  }

  ConsoleResponse html(Exchange ex) {
    Stats s = stats.get();
    Map<String, Long> values = values(s);
    StringBuilder b = new StringBuilder(4096);
    b.append("<section class=\"overview\" data-overview data-json=\"")
        .append(Html.href(ex.request(), "/overview.json"))
        .append("\" data-poll-ms=\"")
        .append(pollMillis())
        .append("\"><div class=\"figures\">");
    for (String[] f : FIGURES) {
      b.append("<div class=\"figure\"><span class=\"value\" data-stat=\"")
          .append(f[0])
          .append("\">")
          .append(values.get(f[0]))
          .append("</span><span class=\"label\">")
          .append(Html.text(f[1]))
          .append("</span></div>");
    }
    b.append("</div><div class=\"charts\">")
        .append(chart("retiredPerSecond", "Retired jobs per second"))
        .append(chart("queued", "Queue size"))
        .append("</div><p class=\"muted\">Sampled every ")
        .append(Html.text(seconds(sampler.interval())))
        .append(", over the last ")
        .append(Html.text(seconds(sampler.interval().multipliedBy(spans()))))
        .append(". <span data-updated></span></p></section>");
    return ConsoleResponse.html(200, Layout.page(ex, "/", "Overview", b.toString()));
  }

  static List<Point> points(List<Sampler.Sample> samples) {
    List<Point> points = new ArrayList<>(samples.size());
    for (int i = 1; i < samples.size(); i++) {
      Sampler.Sample a = samples.get(i - 1);
      Sampler.Sample b = samples.get(i);
      long millis = b.at() - a.at();
      long retired = Math.max(0, b.retired() - a.retired());
      double rate = millis <= 0 ? 0 : Math.round(retired * 10_000.0 / millis) / 10.0;
      points.add(new Point(b.at(), rate, b.queued()));
    }
    return points;
  }

  private long pollMillis() {
    return Math.max(200, Math.min(2_000, sampler.interval().toMillis()));
  }

  private int spans() {
    return Math.max(1, sampler.capacity() - 1);
  }

  private static String chart(String series, String caption) {
    return "<figure class=\"chart\"><figcaption>"
        + Html.text(caption)
        + " <span class=\"muted\" data-latest=\""
        + series
        + "\"></span></figcaption><canvas width=\"560\" height=\"160\" data-chart=\""
        + series
        + "\"></canvas></figure>";
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private static Map<String, Long> values(Stats s) {
    Map<String, Long> v = new LinkedHashMap<>();
    v.put("queued", s.queued());
    v.put("running", s.running());
    v.put("retired", s.retired());
    v.put("timers", s.timers());
    v.put("dead", s.dead());
    v.put("workers", (long) s.workers());
    v.put("idleWorkers", (long) s.idleWorkers());
    v.put("died", s.died());
    v.put("spares", (long) s.spares());
    return v;
  }
}
