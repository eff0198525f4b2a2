package io.nightcoral.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The run's plot, as a PNG drawn without a display: burn-down throughput, and timer lateness (p50
 * and p99 on a symmetric log scale, early firings below zero), NightCoral beside each peer.
 */
final class PeerPlot {
  private static final int WIDTH = 1400;
  private static final int HEIGHT = 620;
  private static final int HEADER = 50;
  private static final int LEFT_WIDTH = 560;

  /** NightCoral's colour, then the peers'. */
  private static final Color[] COLOURS = {
    new Color(0x1b9e77), new Color(0xd95f02), new Color(0x7570b3), new Color(0x999999)
  };

  private PeerPlot() {}

  /** Draws the medians in {@code samples} to {@code file}, with {@code caption} above. */
  static void write(Map<Metric, List<Double>> samples, List<Peer> peers, String caption, Path file)
      throws IOException {
    List<String> systems = new java.util.ArrayList<>();
    systems.add(BesideTable.OURS);
    peers.forEach(p -> systems.add(p.name()));

    DefaultCategoryDataset burn = new DefaultCategoryDataset();
    DefaultCategoryDataset late = new DefaultCategoryDataset();
    // every system is a series of both charts, with or without figures, so each keeps its colour
    for (String system : systems) {
      String prefix = system.equals(BesideTable.OURS) ? "" : system + " ";
      burn.addValue(value(samples, prefix + "burn"), system, "burn-down");
      late.addValue(value(samples, prefix + "timers p50"), system, "p50");
      late.addValue(value(samples, prefix + "timers p99"), system, "p99");
    }

    JFreeChart burnChart =
        ChartFactory.createBarChart(
            "Burn-down, 2 workers (jobs/s, higher is better)",
            null,
            "jobs/s",
            burn,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    label(burnChart, new DecimalFormat("#,##0"));

    JFreeChart lateChart =
        ChartFactory.createBarChart(
            "Timer lateness: handler start - due (ms; below 0 = early)",
            null,
            "ms (symmetric log scale)",
            late,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    LogarithmicAxis axis = new LogarithmicAxis("ms (symmetric log scale)");
    axis.setAllowNegativesFlag(true);
    axis.setStrictValuesFlag(false);
    lateChart.getCategoryPlot().setRangeAxis(axis);
    label(lateChart, new DecimalFormat("#,##0.0"));

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
      g.drawString(caption, 12, HEADER * 3 / 5);
      burnChart.draw(g, new Rectangle2D.Double(0, HEADER, LEFT_WIDTH, HEIGHT - HEADER));
      lateChart.draw(
          g, new Rectangle2D.Double(LEFT_WIDTH, HEADER, WIDTH - LEFT_WIDTH, HEIGHT - HEADER));
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer in this JVM");
    }
  }

  private static Double value(Map<Metric, List<Double>> samples, String name) {
    return BesideTable.median(samples, name).orElse(null);
  }

  private static void label(JFreeChart chart, DecimalFormat format) {
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.getRangeAxis().setUpperMargin(0.12);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setShadowVisible(false);
    for (int i = 0; i < COLOURS.length; i++) {
      renderer.setSeriesPaint(i, COLOURS[i]);
    }
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", format));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    renderer.setDefaultNegativeItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER));
  }
}
