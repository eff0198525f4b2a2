/**
 * NightCoral's coordinator, embedded in a server: the public API in {@code io.nightcoral}; the
 * engine's packages ({@code io.nightcoral.internal...}) are not exported.
 */
module io.nightcoral {
  requires transitive io.nightcoral.worker;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.google.protobuf;
  requires io.nightcoral.protocol;
  requires transitive java.sql;
  requires org.slf4j;
  requires org.xerial.sqlitejdbc;
  requires com.cronutils;
  // optional: only a server that calls metrics(...) has it, and requires it itself
  requires static micrometer.core;
  // optional: only a server that stores jobs in PostgreSQL has the driver
  requires static org.postgresql.jdbc;

  exports io.nightcoral;
}
