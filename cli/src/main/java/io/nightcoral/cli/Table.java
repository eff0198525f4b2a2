package io.nightcoral.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a heading row, then one row per item, each column padded to its widest cell
 * and two spaces from the next. Cells are one line each: {@link #cut} makes them so.
 */
final class Table {
  private static final String ELLIPSIS = "...";

  private final List<String[]> rows = new ArrayList<>();

  Table(String... headings) {
    rows.add(headings);
  }

  /** Adds a row; a null cell shows as {@code -}. */
  Table row(Object... cells) {
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = cells[i] == null ? "-" : cells[i].toString();
    }
    rows.add(row);
    return this;
  }

  /** Whether the table has no rows besides its headings. */
  boolean isEmpty() {
    return rows.size() == 1;
  }

  /** Prints the table; no line ends in spaces. */
  void print(PrintWriter out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /**
   * {@code text} on one line (line breaks and other control characters become spaces), cut to at
   * most {@code max} characters with an ellipsis; null stays null.
   */
  static String cut(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder line = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      line.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (line.length() <= max) {
      return line.toString();
    }
    int end = max - ELLIPSIS.length();
    if (Character.isHighSurrogate(line.charAt(end - 1))) {
      end--; // never split a character in two
    }
    return line.substring(0, end) + ELLIPSIS;
  }

  /** The first line of {@code text} (an error's message line without its stack), or null. */
  static String firstLine(String text) {
    if (text == null) {
      return null;
    }
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }

  /** {@code time} in ISO-8601 to the second, in UTC; null stays null. */
  static String time(Instant time) {
    return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
