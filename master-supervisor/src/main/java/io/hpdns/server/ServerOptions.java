package io.hpdns.server;

import io.hpdns.tcp.TcpPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How one server process serves: where, with how many UDP threads, and the TCP connection policy.
 * Messages name the configuration keys ({@code server.udp-threads}, {@code server.tcp.idle-timeout},
 * {@code server.tcp.max-connections}) so they make sense to whoever wrote the config.
 *
 * @param listen the addresses served over both UDP and TCP; at least one, no repeats
 * @param udpThreads SO_REUSEPORT sockets, each with its own thread, per address served (for
 *     {@code *:PORT}, per local address)
 * @param tcp the TCP connection policy: timeouts and connection limits (RFC 7766 §6.2)
 * @param udpTransport how UDP datagrams are moved; FFM falls back to netty where it cannot run
 */
public record ServerOptions(List<ListenAddress> listen, int udpThreads, TcpPolicy tcp, UdpTransportKind udpTransport) {

    public static final int DEFAULT_UDP_THREADS = 2;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = TcpPolicy.DEFAULT_IDLE_TIMEOUT;
    public static final int DEFAULT_TCP_MAX_CONNECTIONS = TcpPolicy.DEFAULT_MAX_CONNECTIONS;

    /** More threads than this per address only add contention, even on the largest machines. */
    public static final int MAX_UDP_THREADS = 1024;

    public static final Duration MAX_TCP_IDLE_TIMEOUT = TcpPolicy.MAX_TIMEOUT;

    public static final int MAX_TCP_MAX_CONNECTIONS = TcpPolicy.MAX_MAX_CONNECTIONS;

    public ServerOptions {
        listen = List.copyOf(listen);
        java.util.Objects.requireNonNull(udpTransport, "udpTransport");
        java.util.Objects.requireNonNull(tcp, "tcp");
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("server.listen is empty: give at least one address, e.g. 127.0.0.1:5353");
        }
        checkNoOverlap(listen);
        if (udpThreads < 1 || udpThreads > MAX_UDP_THREADS) {
            throw new IllegalArgumentException(
                    "server.udp-threads must be between 1 and " + MAX_UDP_THREADS + ", got " + udpThreads);
        }
    }

    /** With the default UDP transport. */
    public ServerOptions(List<ListenAddress> listen, int udpThreads, Duration tcpIdleTimeout, int tcpMaxConnections) {
        this(listen, udpThreads, tcpIdleTimeout, tcpMaxConnections, UdpTransportKind.DEFAULT);
    }

    /** With the given idle timeout and connection limit and the other TCP settings at their defaults. */
    public ServerOptions(List<ListenAddress> listen, int udpThreads, Duration tcpIdleTimeout, int tcpMaxConnections,
                         UdpTransportKind udpTransport) {
        this(listen, udpThreads,
                TcpPolicy.defaults().withIdleTimeout(tcpIdleTimeout).withMaxConnections(tcpMaxConnections), udpTransport);
    }

    public Duration tcpIdleTimeout() {
        return tcp.idleTimeout();
    }

    public int tcpMaxConnections() {
        return tcp.maxConnections();
    }

    /** The given addresses with every other option at its default. */
    public static ServerOptions withDefaults(List<ListenAddress> listen) {
        return new ServerOptions(listen, DEFAULT_UDP_THREADS, DEFAULT_TCP_IDLE_TIMEOUT, DEFAULT_TCP_MAX_CONNECTIONS);
    }

    public ServerOptions withListen(List<ListenAddress> newListen) {
        return new ServerOptions(newListen, udpThreads, tcp, udpTransport);
    }

    public ServerOptions withUdpThreads(int newUdpThreads) {
        return new ServerOptions(listen, newUdpThreads, tcp, udpTransport);
    }

    public ServerOptions withUdpTransport(UdpTransportKind newUdpTransport) {
        return new ServerOptions(listen, udpThreads, tcp, newUdpTransport);
    }

    /**
     * Two entries that would bind the same socket fail at start-up with a bare "address in use";
     * say which entries collide instead. Port 0 never collides: each entry gets its own port.
     */
    private static void checkNoOverlap(List<ListenAddress> listen) {
        Set<ListenAddress> seen = new HashSet<>();
        Set<Integer> wildcardPorts = new HashSet<>();
        for (ListenAddress address : listen) {
            if (address.isWildcard() && address.port() != 0) {
                wildcardPorts.add(address.port());
            }
        }
        for (ListenAddress address : listen) {
            if (address.port() == 0) {
                continue;
            }
            if (!seen.add(address)) {
                throw new IllegalArgumentException("server.listen has " + address + " twice");
            }
            if (!address.isWildcard() && wildcardPorts.contains(address.port())) {
                throw new IllegalArgumentException("server.listen has both *:" + address.port() + " and " + address
                        + "; the wildcard already covers every local address, keep one of them");
            }
        }
    }
}
