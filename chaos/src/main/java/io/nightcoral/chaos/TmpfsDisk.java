package io.nightcoral.chaos;

import io.nightcoral.NightCoral;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for the run ({@code mount -t tmpfs}, which needs root), filled up with a
 * file of zeros and freed by deleting it: a real full disk, on which every file of the database
 * (the database, its WAL and shared memory, the start records) is refused new space.
 */
final class TmpfsDisk implements FullDisk {
  private static final String FILLER = "filler";
  private static final long COMMAND_LIMIT_SECONDS = 30;
  private static final int UNMOUNT_TRIES = 20;
  private static final int[] CHUNKS = {1 << 20, 64 << 10, 4 << 10, 512};

  private final Path folder;
  private final int megabytes;

  private TmpfsDisk(Path folder, int megabytes) {
    this.folder = folder;
    this.megabytes = megabytes;
  }

  /**
   * Mounts a tmpfs of {@code megabytes} on {@code folder} (created); throws {@link IOException}
   * with the reason if that is not allowed.
   */
  static TmpfsDisk mount(Path where, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(where);
    Path folder = where.toRealPath();
    String out =
        run(
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + megabytes + "m,mode=0700",
            "tmpfs",
            folder.toString());
    if (!isMountPoint(folder)) {
      throw new IOException("mount -t tmpfs on " + folder + " failed: " + out.strip());
    }
    return new TmpfsDisk(folder, megabytes);
  }

  /** Unmounts every file system mounted under {@code dir} (left over by a run that was killed). */
  static void unmountUnder(Path dir) throws IOException, InterruptedException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Path real = dir.toRealPath();
    for (Path mount : mountPoints()) {
      if (mount.startsWith(real)) {
        System.out.println("[chaos] unmounting " + mount + ", left over by an earlier run");
        run("umount", "-l", mount.toString());
      }
    }
  }

  @Override
  public Path folder() {
    return folder;
  }

  @Override
  public String describe() {
    return "a " + megabytes + " MiB tmpfs mounted on " + folder + ", filled with a file";
  }

  @Override
  public String fill(NightCoral<?> nc) throws IOException {
    long written = 0;
    try (FileOutputStream out = new FileOutputStream(folder.resolve(FILLER).toFile())) {
      for (int chunk : CHUNKS) {
        byte[] zeros = new byte[chunk];
        try {
          while (true) {
            out.write(zeros);
            written += chunk;
          }
        } catch (IOException full) {
          // no room for this chunk: go on with smaller ones
        }
      }
    }
    long free = Files.getFileStore(folder).getUsableSpace();
    return String.format(
        "wrote a %.1f MiB filler; %d bytes left on the file system", written / 1048576.0, free);
  }

  @Override
  public void free(NightCoral<?> nc) throws IOException {
    Files.delete(folder.resolve(FILLER));
  }

  /** Unmounts the tmpfs, retrying while it is busy, then lazily. */
  @Override
  public void close() {
    try {
      for (int i = 0; i < UNMOUNT_TRIES && isMountPoint(folder); i++) {
        String out = run("umount", folder.toString());
        if (isMountPoint(folder)) {
          System.err.println("[chaos] umount " + folder + ": " + out.strip() + "; retrying");
          TimeUnit.MILLISECONDS.sleep(250);
        }
      }
      if (isMountPoint(folder)) {
        System.err.println("[chaos] " + folder + " still busy; unmounting it lazily");
        run("umount", "-l", folder.toString());
      }
    } catch (IOException e) {
      System.err.println("[chaos] cannot unmount " + folder + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("[chaos] interrupted while unmounting " + folder);
    }
  }

  private static boolean isMountPoint(Path folder) throws IOException {
    return mountPoints().contains(folder.toAbsolutePath().normalize());
  }

  /** The mount points listed in {@code /proc/self/mounts}. */
  private static List<Path> mountPoints() throws IOException {
    List<Path> points = new ArrayList<>();
    Path mounts = Path.of("/proc/self/mounts");
    if (!Files.exists(mounts)) {
      return points;
    }
    for (String line : Files.readAllLines(mounts, StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 1) {
        points.add(Path.of(fields[1].replace("\\040", " ")));
      }
    }
    return points;
  }

  /** Runs a command, bounded, and returns its output (stdout and stderr). */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(COMMAND_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        + (p.exitValue() == 0 ? "" : " (exit " + p.exitValue() + ")");
  }
}
