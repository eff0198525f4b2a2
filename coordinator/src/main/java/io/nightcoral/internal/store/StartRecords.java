package io.nightcoral.internal.store;

import io.nightcoral.internal.EngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The files in which worker children note the job they start before its handler runs (one file per
 * worker slot, in a folder beside the database that only this user can use). A child writes them
 * through a memory mapping, so a note survives the crash of any process; after a crash of the
 * server, the next start charges the attempts noted there that the database had not recorded yet.
 * So an attempt is durable before its handler runs, and only jobs that started are charged.
 */
public final class StartRecords {
  /** Must match the worker runtime's StartRecord: id, attempt, check value. */
  static final long CHECK = 0x4E43_5354_4152_5431L;

  static final int BYTES = 24;

  private final Path folder;

  private StartRecords(Path folder) {
    this.folder = folder;
  }

  /** The start records of the database at {@code database} (a canonical path). */
  public static StartRecords beside(Path database) {
    return new StartRecords(database.resolveSibling(database.getFileName() + ".starts"));
  }

  /** A job noted as started: its id and the attempt it started. */
  public record Noted(long id, int attempt) {}

  /**
   * Reads every record, charges the attempts the database lacks (inside the store's current
   * transaction), and returns what was noted.
   */
  public List<Noted> recover(JobStore store) throws SQLException {
    List<Noted> noted = read();
    for (Noted n : noted) {
      store.chargeAtLeast(n.id(), n.attempt());
    }
    return noted;
  }

  /** Zeroes every record, once their charges are committed. */
  public void clear() {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "worker-*")) {
      for (Path file : files) {
        Files.write(file, new byte[BYTES]);
      }
    } catch (IOException e) {
      throw new EngineException("cannot clear the start records in " + folder + ": " + e, e);
    }
  }

  private List<Noted> read() {
    List<Noted> noted = new ArrayList<>();
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return noted;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "worker-*")) {
      for (Path file : files) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) < BYTES) {
          continue;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        long id = bytes.getLong(0);
        long attempt = bytes.getLong(8);
        if (id != 0
            && attempt > 0
            && attempt <= Integer.MAX_VALUE
            && bytes.getLong(16) == (id ^ attempt ^ CHECK)) {
          noted.add(new Noted(id, (int) attempt));
        }
      }
    } catch (IOException e) {
      throw new EngineException("cannot read the start records in " + folder + ": " + e, e);
    }
    return noted;
  }

  /**
   * The record file of worker slot {@code workerId}, created (empty, only this user may use it) if
   * missing; a replacement child takes over its slot's file.
   */
  public Path forWorker(int workerId) {
    Path file = folder.resolve("worker-" + workerId);
    try {
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(
            folder,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.write(file, new byte[BYTES]);
      }
      return file;
    } catch (IOException | UnsupportedOperationException e) {
      throw new EngineException("cannot create the start record " + file + ": " + e, e);
    }
  }
}
