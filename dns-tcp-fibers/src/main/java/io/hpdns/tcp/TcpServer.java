package io.hpdns.tcp;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.query.QueryProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): one listening socket per listen address (bound with SO_REUSEPORT, so
 * several processes can share the port), each with an accept loop, and one virtual thread per
 * connection running {@link TcpConnection} as plain blocking code. Connections share the serving
 * state, a pool of answerers (borrowed only while answering, so an idle connection is cheap) and
 * the connection counts.
 *
 * <p>Limits (RFC 7766 §6.2.2): at most {@link TcpPolicy#maxConnections()} connections, and
 * {@link TcpPolicy#maxConnectionsPerClient()} from one address. When a new connection would pass a
 * limit, the connection that has been idle longest (from that client, for the per-client limit) is
 * closed to make room; only when none is idle is the new connection closed instead.
 *
 * <p>Stopping (RFC 7766 §6.2.3 lets a server close connections at any time; a client then retries)
 * is gentle: the listening socket closes at once, and each connection stops reading but answers
 * the queries it has already read, finishes a zone transfer under way, and then closes. With
 * {@code net.ipv4.tcp_migrate_req=1} (Linux 5.14 and later) the kernel hands connections still
 * waiting in a closed listener's accept queue to another listener of its SO_REUSEPORT group.
 */
public final class TcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpServer.class);

    /** Pending connections the kernel queues for accept (capped by net.core.somaxconn). */
    private static final int ACCEPT_BACKLOG = 1024;

    /** Pause after a failed accept (e.g. out of file descriptors), so the loop does not spin. */
    private static final long ACCEPT_RETRY_MILLIS = 50;

    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

    /** How often the sweeper looks for connections stuck writing to a client that stopped reading. */
    private static final long SWEEP_MILLIS = 1000;

    /**
     * How long {@link #close} lets busy connections finish what they have read (a burst of answers,
     * a zone transfer) before it closes them anyway.
     */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final TcpPolicy policy;
    private final AnswererPool answerers;
    private final ZoneTransfers transfers;
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("dns-tcp-", 0).factory();
    private final Map<TcpConnection, Thread> connections = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    /** Guards the counts below and every {@link TcpConnection#counted}. */
    private final Object admission = new Object();
    private int open;
    private final Map<InetAddress, int[]> perClient = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong stalledWrites = new AtomicLong();
    private final ThrottledWarning refusals =
            new ThrottledWarning(log, "refused TCP connections", WARNING_INTERVAL);
    private final ThrottledWarning evictions =
            new ThrottledWarning(log, "closed idle TCP connections to make room", WARNING_INTERVAL);
    private final ThrottledWarning acceptFaults =
            new ThrottledWarning(log, "cannot accept TCP connections", WARNING_INTERVAL);
    private final ThrottledWarning connectionFaults =
            new ThrottledWarning(log, "TCP connection closed after an unexpected error", WARNING_INTERVAL);
    private final Thread sweeper;
    private volatile boolean closed;

    private record Listener(ServerSocket socket, Thread acceptor) {}

    /**
     * @param processors makes the {@link QueryProcessor}s of the answerer pool
     * @param transfers answers AXFR and IXFR; null to refuse them (REFUSED, RFC 5936 §4.2)
     */
    public TcpServer(Supplier<QueryProcessor> processors, TcpPolicy policy, ZoneTransfers transfers) {
        this.policy = policy;
        this.transfers = transfers;
        this.answerers = new AnswererPool(processors, policy.keepaliveUnits(), transfers != null);
        this.sweeper = Thread.ofVirtual().name("dns-tcp-sweeper").start(this::sweep);
    }

    TcpPolicy policy() {
        return policy;
    }

    AnswererPool answerers() {
        return answerers;
    }

    ZoneTransfers transfers() {
        return transfers;
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
            // Several worker processes may listen on the same port; the kernel spreads connections.
            if (socket.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
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

    /**
     * Stops accepting on one bound address: its listening socket closes, and the connections
     * accepted through it answer what they have read and end.
     *
     * @param address an address as {@link #bind} returned it
     * @return false when that address is not bound (nothing changes)
     */
    public boolean unbind(InetSocketAddress address) {
        Listener stopped = null;
        synchronized (this) {
            for (int i = 0; i < listeners.size(); i++) {
                if (listeners.get(i).socket().getLocalSocketAddress().equals(address)) {
                    stopped = listeners.remove(i);
                    break;
                }
            }
        }
        if (stopped == null) {
            return false;
        }
        closeQuietly(stopped.socket());
        join(stopped.acceptor(), System.nanoTime() + CLOSE_GRACE.toNanos());
        for (TcpConnection connection : connections.keySet()) {
            if (address.equals(connection.socket().getLocalSocketAddress())) {
                stopReading(connection);
            }
        }
        return true;
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
        TcpConnection connection = new TcpConnection(socket, this);
        InetAddress client = connection.client();
        TcpConnection victim = null;
        long victimIdleNanos = 0;
        String refusal = null;
        synchronized (admission) {
            int[] fromClient = perClient.get(client);
            int clientCount = fromClient == null ? 0 : fromClient[0];
            if (clientCount >= policy.maxConnectionsPerClient()) {
                victim = longestIdle(client);
                if (victim == null) {
                    refusal = "the limit of " + policy.maxConnectionsPerClient() + " connections from " + client
                            + " is reached and none of them is idle (raise server.tcp.max-connections-per-client"
                            + " if this is legitimate load)";
                }
            } else if (open >= policy.maxConnections()) {
                victim = longestIdle(null);
                if (victim == null) {
                    refusal = "the limit of " + policy.maxConnections() + " connections is reached and none is idle,"
                            + " latest from " + client + " (raise server.tcp.max-connections if this is legitimate load)";
                }
            }
            if (refusal == null) {
                if (victim != null) {
                    victimIdleNanos = System.nanoTime() - victim.idleSinceNanos();
                    uncount(victim);
                }
                open++;
                perClient.computeIfAbsent(client, a -> new int[1])[0]++;
            }
        }
        // Counted before the close, so whoever sees the connection closed sees it counted.
        if (refusal != null) {
            refused.incrementAndGet();
            closeQuietly(socket);
            refusals.occurred(refusal, null);
            return;
        }
        if (victim != null) {
            // RFC 7766 §6.2.2 / §6.2.3: under pressure the server may close idle connections; the
            // longest idle one is the least likely to be used again.
            evicted.incrementAndGet();
            closeQuietly(victim.socket());
            evictions.occurred("the connection limit is reached; closed one idle since "
                    + TimeUnit.NANOSECONDS.toMillis(victimIdleNanos) + " ms from "
                    + victim.client() + " for a new one from " + client, null);
        }
        Thread thread = connectionThreads.newThread(() -> serve(connection));
        connections.put(connection, thread);
        // close() may have swept the connections just before this one was added.
        if (closed) {
            closeQuietly(socket);
        }
        thread.start();
    }

    /** The counted connection idle longest, from {@code client} or (null) from anyone; null if none is idle. */
    private TcpConnection longestIdle(InetAddress client) {
        TcpConnection longest = null;
        long since = 0;
        long now = System.nanoTime();
        for (TcpConnection c : connections.keySet()) {
            long idle = c.idleSinceNanos();
            if (idle == 0 || !c.counted || (client != null && !client.equals(c.client()))) {
                continue;
            }
            if (longest == null || now - idle > now - since) {
                longest = c;
                since = idle;
            }
        }
        return longest;
    }

    /** Stops counting a connection against the limits; once only. Caller holds {@link #admission}. */
    private void uncount(TcpConnection connection) {
        if (!connection.counted) {
            return;
        }
        connection.counted = false;
        open--;
        int[] fromClient = perClient.get(connection.client());
        if (--fromClient[0] == 0) {
            perClient.remove(connection.client());
        }
    }

    private void serve(TcpConnection connection) {
        Socket socket = connection.socket();
        try {
            connection.serve();
        } catch (SocketTimeoutException e) {
            log.debug("closing TCP connection from {}: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            // Resets, malformed framing and our own close() all end here; they concern one client.
            log.debug("TCP connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } catch (RuntimeException e) {
            connectionFaults.occurred("client " + socket.getRemoteSocketAddress() + ": " + e, e);
        } finally {
            closeQuietly(socket);
            connections.remove(connection);
            synchronized (admission) {
                uncount(connection);
            }
        }
    }

    /**
     * A blocking write has no timeout: a client that stops reading its responses (or vanished
     * without a reset, a half-open connection) would hold its virtual thread and answerer forever.
     * Close connections whose write has not progressed for the idle timeout.
     */
    private void sweep() {
        long stallNanos = policy.idleTimeout().toNanos();
        while (!closed) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (TcpConnection c : connections.keySet()) {
                long since = c.writeSinceNanos();
                if (since != 0 && now - since > stallNanos) {
                    stalledWrites.incrementAndGet();
                    log.debug("closing TCP connection from {}: it has not read its responses for {} ms",
                            c.client(), TimeUnit.NANOSECONDS.toMillis(now - since));
                    closeQuietly(c.socket());
                }
            }
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

    /**
     * A listener whose accepting thread ended although nobody closed or unbound it, for the log;
     * null while every listener accepts.
     */
    public synchronized String fault() {
        for (Listener listener : listeners) {
            if (!listener.acceptor().isAlive()) {
                return "TCP listener on " + listener.socket().getLocalSocketAddress() + " stopped accepting";
            }
        }
        return null;
    }

    /** One line for the start-up log. */
    public String description() {
        return "blocking sockets with one virtual thread per connection, SO_REUSEPORT, idle timeout "
                + text(policy.idleTimeout()) + ", message timeout " + text(policy.messageTimeout()) + ", at most "
                + policy.maxConnections() + " connections (" + policy.maxConnectionsPerClient() + " per client)"
                + (transfers == null ? ", zone transfers refused" : ", zone transfers served");
    }

    private static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Connections counted against the limits right now. */
    public int openConnections() {
        synchronized (admission) {
            return open;
        }
    }

    /** Connections waiting for a message to begin (RFC 7766 §6.2.3): those a limit may close. */
    public int idleConnections() {
        int idle = 0;
        for (TcpConnection connection : connections.keySet()) {
            if (connection.idleSinceNanos() != 0) {
                idle++;
            }
        }
        return idle;
    }

    /** New connections closed at once because a limit was reached and no connection was idle. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Idle connections closed to make room for new ones. */
    public long evictedConnections() {
        return evicted.get();
    }

    /**
     * Stops accepting and closes the listening sockets, so the ports are free again when this
     * returns; then lets every connection answer what it has read (up to {@link #CLOSE_GRACE}) and
     * closes it. Idle connections close at once.
     */
    @Override
    public void close() {
        closed = true;
        sweeper.interrupt();
        List<Listener> stopped;
        synchronized (this) {
            stopped = List.copyOf(listeners);
            listeners.clear();
        }
        for (Listener listener : stopped) {
            closeQuietly(listener.socket());
        }
        for (TcpConnection connection : connections.keySet()) {
            stopReading(connection);
        }
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (Listener listener : stopped) {
            join(listener.acceptor(), deadline);
        }
        for (Thread thread : connections.values()) {
            join(thread, deadline);
        }
        // Past the grace: a client that does not read its answers, or a transfer too long to wait for.
        for (TcpConnection connection : connections.keySet()) {
            closeQuietly(connection.socket());
        }
        long forced = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        for (Thread thread : connections.values()) {
            join(thread, forced);
        }
    }

    /**
     * Ends a connection after the messages it has already read: a blocked read returns end of
     * stream, so an idle connection ends at once, while answers and a transfer under way can still
     * be written.
     */
    private static void stopReading(TcpConnection connection) {
        try {
            connection.socket().shutdownInput();
        } catch (IOException e) {
            // Already closed or reset: it is ending anyway.
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
