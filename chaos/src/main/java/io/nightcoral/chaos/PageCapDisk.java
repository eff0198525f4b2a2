package io.nightcoral.chaos;

import io.nightcoral.ChaosPragma;
import io.nightcoral.NightCoral;
import java.nio.file.Path;

/**
 * A stand-in for a full disk where no file system can be mounted: SQLite's {@code max_page_count}
 * set to the database's current size (a lower value is raised to it), so every write that needs a
 * new page fails with {@code SQLITE_FULL}, as on a full disk; freeing sets it back to the default.
 * Unlike a real full disk, the WAL and the other files can still grow.
 */
final class PageCapDisk implements FullDisk {
  /** SQLite's default (and largest portable) {@code max_page_count}. */
  private static final long NO_CAP = 1_073_741_823L;

  private final Path folder;

  PageCapDisk(Path folder) {
    this.folder = folder;
  }

  @Override
  public Path folder() {
    return folder;
  }

  @Override
  public String describe() {
    return "PRAGMA max_page_count (the database may not grow; its disk is not really full)";
  }

  @Override
  public String fill(NightCoral<?> nc) {
    ChaosPragma.run(nc, "PRAGMA max_page_count = 1");
    return "max_page_count capped at the database's size";
  }

  @Override
  public void free(NightCoral<?> nc) {
    ChaosPragma.run(nc, "PRAGMA max_page_count = " + NO_CAP);
  }

  @Override
  public void close() {}
}
