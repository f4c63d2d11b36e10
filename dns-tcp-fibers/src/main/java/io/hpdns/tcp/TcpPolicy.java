package io.hpdns.tcp;

import java.time.Duration;

/**
 * How long TCP connections may live and how many there may be (RFC 7766 §6.2.3, §6.2.2). The
 * messages name the configuration keys, so they make sense to whoever wrote the configuration.
 *
 * @param idleTimeout a connection that sends no byte of a new message for this long is closed; it
 *     is also what the EDNS TCP keepalive option announces (RFC 7828 §3.3.2)
 * @param messageTimeout a message must be complete this long after its first byte arrived, so a
 *     client trickling bytes (slowloris) cannot hold a connection open with a never-ending message
 * @param maxConnections open connections at most, over all listen addresses
 * @param maxConnectionsPerClient open connections at most from one client address
 */
public record TcpPolicy(Duration idleTimeout, Duration messageTimeout, int maxConnections, int maxConnectionsPerClient) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1_000;
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final int MAX_MAX_CONNECTIONS = 1_000_000;

    public TcpPolicy {
        checkTimeout(idleTimeout, "server.tcp.idle-timeout");
        checkTimeout(messageTimeout, "server.tcp.message-timeout");
        if (maxConnections < 1 || maxConnections > MAX_MAX_CONNECTIONS) {
            throw new IllegalArgumentException("server.tcp.max-connections must be between 1 and "
                    + MAX_MAX_CONNECTIONS + ", got " + maxConnections);
        }
        if (maxConnectionsPerClient < 1 || maxConnectionsPerClient > MAX_MAX_CONNECTIONS) {
            throw new IllegalArgumentException("server.tcp.max-connections-per-client must be between 1 and "
                    + MAX_MAX_CONNECTIONS + ", got " + maxConnectionsPerClient);
        }
    }

    public static TcpPolicy defaults() {
        return new TcpPolicy(DEFAULT_IDLE_TIMEOUT, DEFAULT_MESSAGE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
    }

    public TcpPolicy withIdleTimeout(Duration timeout) {
        return new TcpPolicy(timeout, messageTimeout, maxConnections, maxConnectionsPerClient);
    }

    public TcpPolicy withMessageTimeout(Duration timeout) {
        return new TcpPolicy(idleTimeout, timeout, maxConnections, maxConnectionsPerClient);
    }

    public TcpPolicy withMaxConnections(int connections) {
        return new TcpPolicy(idleTimeout, messageTimeout, connections, maxConnectionsPerClient);
    }

    public TcpPolicy withMaxConnectionsPerClient(int connections) {
        return new TcpPolicy(idleTimeout, messageTimeout, maxConnections, connections);
    }

    /** RFC 7828 §3.1: the keepalive TIMEOUT is in units of 100 ms, 16 bits. */
    public int keepaliveUnits() {
        return (int) Math.min(0xFFFF, idleTimeout.toMillis() / 100);
    }

    private static void checkTimeout(Duration timeout, String key) {
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(key + " must be between 1ms and 1h, got " + timeout);
        }
    }
}
