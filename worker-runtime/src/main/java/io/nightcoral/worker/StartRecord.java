package io.nightcoral.worker;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file in which the child notes the job it starts, before its handler runs, so that a
 * coordinator that crashed meanwhile can charge that attempt when it restarts. It is a memory
 * mapping: a note costs no system call and survives the crash of any process (though not of the
 * machine). Layout: job id, attempt, and a check value, three big-endian longs; zeros when no job
 * runs. Used by the handler thread only.
 */
final class StartRecord {
  /** Mixed into the check value so that a torn or foreign record is ignored. */
  static final long CHECK = 0x4E43_5354_4152_5431L;

  /** The bytes a record takes. */
  static final int BYTES = 24;

  private final MappedByteBuffer map;

  private StartRecord(MappedByteBuffer map) {
    this.map = map;
  }

  /**
   * Maps {@code file} (created or grown as needed); an empty name gives a record that keeps
   * nothing.
   */
  static StartRecord open(String file) throws IOException {
    if (file.isEmpty()) {
      return new StartRecord(null);
    }
    try (FileChannel channel =
        FileChannel.open(Path.of(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return new StartRecord(channel.map(FileChannel.MapMode.READ_WRITE, 0, BYTES));
    }
  }

  /** Notes that attempt {@code attempt} of job {@code id} starts now. */
  void started(long id, int attempt) {
    if (map != null) {
      map.putLong(16, 0); // invalid while the fields change
      map.putLong(0, id);
      map.putLong(8, attempt);
      map.putLong(16, id ^ attempt ^ CHECK);
    }
  }

  /** Notes that no job runs (the last one has been answered). */
  void clear() {
    if (map != null) {
      map.putLong(16, 0);
      map.putLong(0, 0);
      map.putLong(8, 0);
    }
  }
}
