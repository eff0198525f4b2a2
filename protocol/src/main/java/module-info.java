/**
 * The wire messages between the NightCoral coordinator and its worker children, and their frame
 * codec; exported only to the two modules that speak the protocol (and to protobuf, which reflects
 * on the generated messages).
 */
module io.nightcoral.protocol {
  requires transitive com.google.protobuf;

  exports io.nightcoral.protocol to
      io.nightcoral.worker,
      io.nightcoral,
      com.google.protobuf;
}
