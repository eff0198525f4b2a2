package io.nightcoral.internal.store.sqlite;

import io.nightcoral.internal.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hold one NightCoral instance has on its database: an exclusive lock on a file beside it.
 *
 * <p>Locks are per process on POSIX, and closing any channel on a file drops every lock the process
 * holds on it; so a second instance in the same JVM is refused from a JVM-wide registry, keyed on
 * the database's real path, before it opens a channel of its own. A channel that finds the file
 * already locked by this JVM under another name (a hard link) is never closed.
 */
public final class DatabaseLock implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  /** Channels that must stay open because closing them would drop another instance's lock. */
  private static final List<FileChannel> NEVER_CLOSED = new CopyOnWriteArrayList<>();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private DatabaseLock(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock for the database whose real path is {@code realPath}, or throws a {@link
   * EngineException} naming it as {@code name}.
   */
  static DatabaseLock acquire(Path realPath, String name) {
    Path lockFile = realPath.resolveSibling(realPath.getFileName() + ".lock");
    if (!HELD.add(lockFile)) {
      throw heldBy("another NightCoral in this process", name);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw heldBy("another process", name);
      }
      return new DatabaseLock(lockFile, channel, lock);
    } catch (OverlappingFileLockException e) {
      NEVER_CLOSED.add(channel);
      HELD.remove(lockFile);
      throw heldBy(
          "another NightCoral in this process, through another name for " + lockFile, name);
    } catch (IOException e) {
      closeQuietly(channel);
      HELD.remove(lockFile);
      throw new EngineException("cannot lock database " + name + " (" + lockFile + "): " + e, e);
    } catch (RuntimeException | Error e) {
      closeQuietly(channel);
      HELD.remove(lockFile);
      throw e;
    }
  }

  private static EngineException heldBy(String who, String name) {
    return new EngineException(
        "database "
            + name
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
