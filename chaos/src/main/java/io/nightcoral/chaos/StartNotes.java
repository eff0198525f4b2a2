package io.nightcoral.chaos;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the start records in which worker children note the job they start, before its handler runs
 * (the file named in the protocol's {@code Setup.start_record}): one file {@code worker-<id>} per
 * worker slot in the folder {@code <database>.starts} beside the database, holding the job id, the
 * attempt and a check value as three big-endian longs, zeros when no job runs.
 *
 * <p>What a record holds is a fact written by the child itself: that attempt of that job started.
 * The runner reads them where its handler cannot see a start: a child killed after it noted a job
 * and before the handler wrote its first line.
 */
final class StartNotes {
  /** Must match the worker runtime's {@code StartRecord.CHECK}. */
  static final long CHECK = 0x4E43_5354_4152_5431L;

  static final int BYTES = 24;

  /**
   * An attempt a child noted as started.
   *
   * @param id the job's id
   * @param attempt the attempt it started
   */
  record Note(long id, int attempt) {}

  private StartNotes() {}

  /** The start-record folder of {@code database}, beside its real path (its folder is created). */
  static Path folderOf(Path database) throws IOException {
    Path parent = database.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return parent.toRealPath().resolve(database.getFileName() + ".starts");
  }

  /** The record file of worker slot {@code workerId} in {@code folder}. */
  static Path slot(Path folder, int workerId) {
    return folder.resolve("worker-" + workerId);
  }

  /** Decodes a record; empty when it notes no job or does not check. */
  static Optional<Note> decode(ByteBuffer bytes) {
    if (bytes.remaining() < BYTES) {
      return Optional.empty();
    }
    long id = bytes.getLong(0);
    long attempt = bytes.getLong(8);
    if (id == 0
        || attempt <= 0
        || attempt > Integer.MAX_VALUE
        || bytes.getLong(16) != (id ^ attempt ^ CHECK)) {
      return Optional.empty();
    }
    return Optional.of(new Note(id, (int) attempt));
  }

  /** The note in one record file; empty when there is none (or no such file). */
  static Optional<Note> read(Path file) {
    try {
      return decode(ByteBuffer.wrap(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the start record " + file + ": " + e, e);
    }
  }

  /** The notes in every record file of {@code folder}. */
  static List<Note> readAll(Path folder) {
    List<Note> notes = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return notes;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "worker-*")) {
      for (Path file : files) {
        read(file).ifPresent(notes::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the start records in " + folder + ": " + e, e);
    }
    return notes;
  }
}
