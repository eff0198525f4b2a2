/**
 * The NightCoral handler API ({@code JobHandler}, {@code WorkerPortal}) and the entry point of the
 * worker children. The children themselves run it from the class path.
 */
module io.nightcoral.worker {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires io.nightcoral.protocol;

  exports io.nightcoral.worker;
}
