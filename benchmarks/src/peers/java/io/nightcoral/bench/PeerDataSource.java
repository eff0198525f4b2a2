package io.nightcoral.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The peers' connection pool on a SQLite file with NightCoral's durability settings: WAL, {@code
 * synchronous=FULL}, a long busy timeout and {@code BEGIN IMMEDIATE} transactions, since the peers
 * write from several connections.
 */
final class PeerDataSource {
  private static final int BUSY_TIMEOUT_MILLIS = 60_000;
  private static final int POOL_SIZE = 10;

  private PeerDataSource() {}

  static HikariDataSource open(Path dbFile, String name) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    // a transaction that reads and then writes would otherwise fail at once with SQLITE_BUSY
    // when another connection wrote in between; BEGIN IMMEDIATE waits its turn instead
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + dbFile);
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(sqlite);
    pool.setMaximumPoolSize(POOL_SIZE);
    pool.setPoolName("bench-" + name);
    return new HikariDataSource(pool);
  }
}
