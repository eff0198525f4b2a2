package io.nightcoral.internal.store;

import io.nightcoral.NightCoralException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hold one NightCoral instance has on its database: an exclusive lock on a file beside it.
 *
 * <p>Locks are per process on POSIX, and closing any channel on a file drops every lock the process
 * holds on it; so a second instance in the same JVM is refused from a JVM-wide registry before it
 * opens a channel of its own.
 */
public final class DatabaseLock implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private DatabaseLock(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock for {@code database}, or throws a {@link NightCoralException} naming it. */
  public static DatabaseLock acquire(Path database) {
    Path lockFile =
        database.resolveSibling(database.getFileName() + ".lock").toAbsolutePath().normalize();
    if (!HELD.add(lockFile)) {
      throw heldBy("another NightCoral in this process", database);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw heldBy("another process", database);
      }
      return new DatabaseLock(lockFile, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      HELD.remove(lockFile);
      throw new NightCoralException(
          "cannot lock database " + database + " (" + lockFile + "): " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      HELD.remove(lockFile);
      throw e;
    }
  }

  private static NightCoralException heldBy(String who, Path database) {
    return new NightCoralException(
        "database "
            + database
            + " is in use by "
            + who
            + "; only one NightCoral may run on a database");
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing was locked through this channel
      }
    }
  }

  /** Releases the lock; the lock file stays, so another process never races on creating it. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the process-wide lock goes with the channel either way
    } finally {
      HELD.remove(lockFile);
    }
  }
}
