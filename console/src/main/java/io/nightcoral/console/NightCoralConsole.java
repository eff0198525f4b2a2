package io.nightcoral.console;

import com.sun.net.httpserver.HttpServer;
import io.nightcoral.NightCoral;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running web console for one {@link NightCoral}, served by the JDK's own HTTP server: an
 * overview of the stats with a live chart, the queue and timers, the workers, the dead jobs and the
 * schedules, each page with a JSON endpoint beside it. Start one with {@code
 * NightCoralConsole.builder(nc).token(t).start()}; {@link #close()} stops it (not the NightCoral).
 * Thread-safe.
 */
public final class NightCoralConsole implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NightCoralConsole.class);
  private static final int HTTP_THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Sampler sampler;
  private final AtomicBoolean closed = new AtomicBoolean();

  NightCoralConsole(
      ConsoleHandler handler, Sampler sampler, InetSocketAddress address, String mode) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("bind: cannot resolve host " + address.getHostString());
    }
    this.sampler = sampler;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("console: cannot listen on " + address + ": " + e, e);
    }
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            HTTP_THREADS,
            r -> {
              Thread t = new Thread(r, "nightcoral-console-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/", new JdkHttpAdapter(handler, server.getAddress().getAddress().isLoopbackAddress()));
    server.start();
    if (server.getAddress().getAddress().isLoopbackAddress()) {
      log.info("console at {} ({})", uri(), mode);
    } else {
      log.warn("console at {} ({}), reachable from other machines", uri(), mode);
    }
  }

  /** A builder for a console of {@code nc}. */
  public static NightCoralConsoleBuilder builder(NightCoral<?> nc) {
    return new NightCoralConsoleBuilder(nc);
  }

  /** The address it listens on, with the port it got. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Its overview's address, e.g. {@code http://127.0.0.1:7878/}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /** Stops the server and the sampler; waits up to 5 s for answers under way. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    sampler.close();
  }
}
