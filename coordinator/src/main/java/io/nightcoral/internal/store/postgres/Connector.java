package io.nightcoral.internal.store.postgres;

import io.nightcoral.internal.EngineException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import javax.sql.DataSource;

/**
 * Where a PostgreSQL store gets its connections: a JDBC URL (user and password among its
 * parameters) or the application's own {@link DataSource}. Each store holds three for its life: the
 * queue's, the listener's and the inspection reader's.
 */
public final class Connector {
  private final String url;
  private final DataSource dataSource;
  private final String name;

  private Connector(String url, DataSource dataSource, String name) {
    this.url = url;
    this.dataSource = dataSource;
    this.name = name;
  }

  /** Connections to {@code url}, a {@code jdbc:postgresql:} URL. */
  public static Connector url(String url) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "databaseUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host/database), was "
              + redact(url));
    }
    return new Connector(url, null, redact(url));
  }

  /** Connections from {@code dataSource}. */
  public static Connector dataSource(DataSource dataSource) {
    return new Connector(null, dataSource, "dataSource " + dataSource.getClass().getName());
  }

  /** The database's name for messages: its URL without parameters (they may hold a password). */
  public String name() {
    return name;
  }

  /** A new connection. */
  Connection connect() throws SQLException {
    if (dataSource != null) {
      return dataSource.getConnection();
    }
    boolean driver = false;
    for (Driver d : Collections.list(DriverManager.getDrivers())) {
      driver |= d.acceptsURL(url);
    }
    if (!driver) {
      throw new EngineException(
          "databaseUrl "
              + name
              + " needs the PostgreSQL JDBC driver (Maven: org.postgresql:postgresql), which is not"
              + " on the class path");
    }
    return DriverManager.getConnection(url);
  }

  /** The URL without its parameters. */
  public static String redact(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
