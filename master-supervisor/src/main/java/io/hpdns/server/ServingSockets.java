package io.hpdns.server;

import io.hpdns.tcp.TcpServer;
import io.hpdns.udp.UdpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The UDP and TCP sockets of the served addresses: an address is bound for both protocols or for
 * neither (RFC 7766 §5: an authoritative server answers over both), and unbound from both.
 */
final class ServingSockets {

    private final TcpServer tcp;
    private final UdpTransport udp;

    ServingSockets(TcpServer tcp, UdpTransport udp) {
        this.tcp = tcp;
        this.udp = udp;
    }

    TcpServer tcp() {
        return tcp;
    }

    UdpTransport udp() {
        return udp;
    }

    /**
     * Binds TCP first and then UDP on the port TCP got, so port 0 becomes one free port for both.
     *
     * @param listen one address, not the wildcard
     * @param portChosen whether {@code listen}'s port is one the kernel chose for an earlier
     *     address of the same listen entry ({@code *:0})
     * @return the bound address, with the port the kernel chose for port 0
     * @throws IOException naming the protocol, the address, the system's reason and what to do;
     *     a {@link ChosenPortTaken} when a port the kernel chose turned out to be taken. Nothing
     *     stays bound for this address then.
     */
    InetSocketAddress bind(ListenAddress listen, boolean portChosen) throws IOException {
        InetSocketAddress tcpBound;
        try {
            tcpBound = tcp.bind(listen.socketAddress());
        } catch (IOException e) {
            IOException failure = failure("TCP", listen, e);
            throw portChosen && inUse(e) ? new ChosenPortTaken(failure) : failure;
        }
        ListenAddress sameForUdp = new ListenAddress(listen.address(), tcpBound.getPort());
        try {
            udp.bind(sameForUdp.socketAddress());
        } catch (IOException e) {
            tcp.unbind(tcpBound);
            IOException failure = failure("UDP", sameForUdp, e);
            throw listen.port() == 0 || portChosen && inUse(e) ? new ChosenPortTaken(failure) : failure;
        }
        return tcpBound;
    }

    /** EADDRINUSE, as strerror words it. */
    private static boolean inUse(IOException e) {
        return inUse(String.valueOf(e.getMessage()));
    }

    private static boolean inUse(String reason) {
        return reason.contains("Address already in use");
    }

    /** Stops serving one address: UDP without losing a queued query, TCP after what it has read. */
    void unbind(InetSocketAddress bound) {
        udp.unbind(bound);
        tcp.unbind(bound);
    }

    private static IOException failure(String protocol, ListenAddress listen, IOException e) {
        String reason = String.valueOf(e.getMessage());
        return new IOException("cannot bind " + protocol + " " + listen + ": " + reason + advice(reason, listen), e);
    }

    /** What to do about the common bind errors, by the system's wording of them (strerror). */
    private static String advice(String reason, ListenAddress listen) {
        if (reason.contains("Permission denied") && listen.port() > 0 && listen.port() < 1024) {
            return " (use a port >= 1024 or run with CAP_NET_BIND_SERVICE)";
        }
        if (inUse(reason)) {
            return " (another process holds this port: stop it or choose another port)";
        }
        if (reason.contains("Cannot assign requested address")) {
            return " (no local interface has this address: check the listen address against `ip address`)";
        }
        return "";
    }

    /**
     * A bind failure on a port the kernel chose: a port free for TCP on one address can be taken
     * for UDP, or on another address, by some other process; a fresh port almost never is, so the
     * server tries again with another.
     */
    static final class ChosenPortTaken extends IOException {
        final IOException failure;

        ChosenPortTaken(IOException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }
}
