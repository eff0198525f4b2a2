package io.nightcoral.chaos;

import io.nightcoral.NightCoral;
import java.io.IOException;
import java.nio.file.Path;

/** A place for a database whose disk the runner can fill up and free again. */
interface FullDisk extends AutoCloseable {
  /** The folder to put the database in. */
  Path folder();

  /** How the disk is made full, for the output. */
  String describe();

  /** Makes the disk full; returns what was done, for the output. */
  String fill(NightCoral<?> nc) throws IOException;

  /** Makes room again. */
  void free(NightCoral<?> nc) throws IOException;

  /** Releases the disk (unmounts it); never throws, reports trouble on stderr. */
  @Override
  void close();
}
