package io.hpdns.tcp;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.query.QueryProcessor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): one listening socket per listen address, each with an accept loop, and
 * one virtual thread per connection running {@link TcpConnection} as plain blocking code. Each
 * connection owns its {@link QueryProcessor} and buffers, so connections share nothing but the
 * serving state and the connection count.
 */
public final class TcpServer implements AutoCloseable {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(TcpServer.class);

    /** Pending connections the kernel queues for accept (capped by net.core.somaxconn). */
    private static final int ACCEPT_BACKLOG = 1024;

    /** Pause after a failed accept (e.g. out of file descriptors), so the loop does not spin. */
    private static final long ACCEPT_RETRY_MILLIS = 50;

    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

    private final Supplier<QueryProcessor> processors;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("dns-tcp-", 0).factory();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Map<Socket, Thread> connections = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final ThrottledWarning refusals =
            new ThrottledWarning(log, "refused TCP connections", WARNING_INTERVAL);
    private final ThrottledWarning acceptFaults =
            new ThrottledWarning(log, "cannot accept TCP connections", WARNING_INTERVAL);
    private final ThrottledWarning connectionFaults =
            new ThrottledWarning(log, "TCP connection closed after an unexpected error", WARNING_INTERVAL);
    private volatile boolean closed;

    private record Listener(ServerSocket socket, Thread acceptor) {}

    /**
     * @param processors makes the {@link QueryProcessor} of each connection
     * @param idleTimeout how long a connection may stay silent before it is closed (RFC 7766 §6.2.3)
     * @param maxConnections concurrent connections beyond which new ones are closed at once
     */
    public TcpServer(Supplier<QueryProcessor> processors, Duration idleTimeout, int maxConnections) {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TCP idle timeout must be positive and fit in 24 days, got " + idleTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("TCP max connections must be at least 1, got " + maxConnections);
        }
        this.processors = processors;
        this.idleTimeout = idleTimeout;
        this.maxConnections = maxConnections;
    }

    /**
     * Binds a listening socket and starts accepting on it.
     *
     * @param address local address and port; port 0 lets the kernel choose a free port
     * @return the bound address, with the chosen port
     * @throws IOException when the socket cannot be bound, with the system's reason as its message
     *     (e.g. {@code Address already in use})
     */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws IOException {
        if (closed) {
            throw new IllegalStateException("TCP server is closed");
        }
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(address, ACCEPT_BACKLOG);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        InetSocketAddress bound = (InetSocketAddress) socket.getLocalSocketAddress();
        Thread acceptor = Thread.ofVirtual()
                .name("dns-tcp-accept-" + bound.getPort())
                .start(() -> acceptLoop(socket));
        listeners.add(new Listener(socket, acceptor));
        return bound;
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                acceptFaults.occurred(e.toString(), e);
                pause();
                continue;
            }
            admit(socket);
        }
    }

    private void admit(Socket socket) {
        if (openConnections.incrementAndGet() > maxConnections) {
            openConnections.decrementAndGet();
            closeQuietly(socket);
            refusals.occurred("the limit of " + maxConnections + " concurrent connections is reached, latest from "
                    + socket.getRemoteSocketAddress() + " (raise tcp max-connections if this is legitimate load)", null);
            return;
        }
        Thread thread = connectionThreads.newThread(() -> serve(socket));
        connections.put(socket, thread);
        // close() may have swept the connections just before this one was added.
        if (closed) {
            closeQuietly(socket);
        }
        thread.start();
    }

    private void serve(Socket socket) {
        QueryProcessor processor = processors.get();
        try {
            new TcpConnection(socket, processor, (int) idleTimeout.toMillis()).serve();
        } catch (SocketTimeoutException e) {
            log.debug("closing idle TCP connection from {}", socket.getRemoteSocketAddress());
        } catch (IOException e) {
            // Resets, malformed framing and our own close() all end here; they concern one client.
            log.debug("TCP connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } catch (RuntimeException e) {
            connectionFaults.occurred("client " + socket.getRemoteSocketAddress() + ": " + e, e);
        } finally {
            processor.retire();
            closeQuietly(socket);
            connections.remove(socket);
            openConnections.decrementAndGet();
        }
    }

    /** Every address bound so far, in bind order. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(listeners.size());
        for (Listener listener : listeners) {
            addresses.add((InetSocketAddress) listener.socket().getLocalSocketAddress());
        }
        return List.copyOf(addresses);
    }

    /** One line for the start-up log. */
    public String description() {
        long millis = idleTimeout.toMillis();
        String idle = millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
        return "blocking sockets with one virtual thread per connection, idle timeout " + idle
                + ", at most " + maxConnections + " concurrent connections";
    }

    /** Connections being served right now. */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * Stops accepting, closes every connection and waits briefly for their threads to end; the
     * ports are free again when this returns.
     */
    @Override
    public void close() {
        closed = true;
        List<Listener> stopped;
        synchronized (this) {
            stopped = List.copyOf(listeners);
            listeners.clear();
        }
        for (Listener listener : stopped) {
            closeQuietly(listener.socket());
        }
        for (Socket socket : connections.keySet()) {
            closeQuietly(socket);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        for (Listener listener : stopped) {
            join(listener.acceptor(), deadline);
        }
        for (Thread thread : connections.values()) {
            join(thread, deadline);
        }
    }

    private static void join(Thread thread, long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return;
        }
        try {
            thread.join(Duration.ofNanos(remaining));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("closing {}: {}", closeable, e.toString());
        }
    }
}
