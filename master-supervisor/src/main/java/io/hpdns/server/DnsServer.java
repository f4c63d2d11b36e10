package io.hpdns.server;

import io.hpdns.query.AnswerSettings;
import io.hpdns.query.QueryProcessor;
import io.hpdns.stats.QueryStats;
import io.hpdns.tcp.TcpServer;
import io.hpdns.udp.NettyUdpTransport;
import io.hpdns.udp.UdpTransport;
import io.hpdns.udp.ffm.FfmUdpTransport;
import io.hpdns.xfr.TransferPolicy;
import io.hpdns.xfr.TransferResponder;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.zone.ServingStateHolder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the zones of one {@link ServingStateHolder} over UDP and TCP on every listen address
 * (RFC 1035 §4.2, RFC 7766 §5: an authoritative server must answer over both). Every I/O thread,
 * and every TCP connection, answers with its own {@link QueryProcessor}; publishing a new state in
 * the holder changes the answers of all of them from their next query on.
 */
public final class DnsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    /**
     * A port the kernel chose for TCP can be taken for UDP by another process; a fresh port almost
     * never is, so a few attempts make port 0 reliable.
     */
    private static final int PORT_ZERO_ATTEMPTS = 5;

    private final TcpServer tcp;
    private final TransferResponder transfers;
    private final UdpTransport udp;
    private final List<InetSocketAddress> bound;
    private boolean closed;

    private DnsServer(TcpServer tcp, TransferResponder transfers, UdpTransport udp, List<InetSocketAddress> bound) {
        this.tcp = tcp;
        this.transfers = transfers;
        this.udp = udp;
        this.bound = List.copyOf(bound);
    }

    /**
     * Binds every listen address, TCP first and then UDP on the port TCP got (so port 0 becomes one
     * free port for both), and starts answering.
     *
     * @throws IOException when an address cannot be bound, naming the protocol, the address, the
     *     system's reason and what to do; nothing stays bound then
     * @param transfers who may transfer which zone (AXFR/IXFR over TCP), and the TSIG keys that
     *     signed queries are verified with
     */
    public static DnsServer start(ServerOptions options, ServingStateHolder zones, AnswerSettings answers)
            throws IOException {
        return start(options, zones, answers, TransferPolicy.denyAll(), new QueryStats());
    }

    /**
     * As {@link #start(ServerOptions, ServingStateHolder, AnswerSettings)}, with zone transfers and
     * TSIG keys, counting every query in {@code stats}: each UDP thread and each pooled TCP
     * answerer counts in its own {@code QueryCounters}.
     */
    public static DnsServer start(ServerOptions options, ServingStateHolder zones, AnswerSettings answers,
                                  TransferPolicy transfers, QueryStats stats) throws IOException {
        return start(options, zones, answers, transfers, stats, new ZoneJournals(ZoneJournals.DEFAULT_DEPTH));
    }

    /**
     * As {@link #start(ServerOptions, ServingStateHolder, AnswerSettings, TransferPolicy, QueryStats)},
     * answering IXFR requests from {@code journals}, which the zone reloader keeps.
     */
    public static DnsServer start(ServerOptions options, ServingStateHolder zones, AnswerSettings answers,
                                  TransferPolicy transfers, QueryStats stats, ZoneJournals journals)
            throws IOException {
        Supplier<QueryProcessor> processors = () -> {
            QueryProcessor processor = new QueryProcessor(zones, answers, stats.newCounters());
            processor.tsigKeys(transfers.keys());
            return processor;
        };
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options, processors, new TransferResponder(zones, transfers, journals));
            } catch (UdpPortTaken e) {
                if (attempt == PORT_ZERO_ATTEMPTS) {
                    throw e.failure;
                }
                log.debug("{}; trying another port", e.failure.getMessage());
            }
        }
    }

    private static DnsServer startOnce(ServerOptions options, Supplier<QueryProcessor> processors,
            TransferResponder transfers) throws IOException {
        TcpServer tcp = new TcpServer(processors, options.tcp(), transfers);
        UdpTransport udp = null;
        try {
            udp = openUdp(options, processors);
            List<InetSocketAddress> bound = new ArrayList<>(options.listen().size());
            for (ListenAddress listen : options.listen()) {
                bound.add(bindBoth(listen, tcp, udp));
            }
            DnsServer server = new DnsServer(tcp, transfers, udp, bound);
            server.logTransports();
            return server;
        } catch (IOException | RuntimeException e) {
            if (udp != null) {
                udp.close();
            }
            tcp.close();
            throw e;
        }
    }

    /** The configured UDP transport; where FFM cannot run (not Linux x86_64), netty's epoll instead. */
    private static UdpTransport openUdp(ServerOptions options, Supplier<QueryProcessor> processors) throws IOException {
        if (options.udpTransport() == UdpTransportKind.FFM) {
            try {
                return FfmUdpTransport.open(options.udpThreads(), processors);
            } catch (IOException e) {
                log.warn("{}; falling back to the netty transport", e.getMessage());
            }
        }
        return NettyUdpTransport.open(options.udpThreads(), processors);
    }

    private static InetSocketAddress bindBoth(ListenAddress listen, TcpServer tcp, UdpTransport udp)
            throws IOException {
        InetSocketAddress tcpBound;
        try {
            tcpBound = tcp.bind(listen.socketAddress());
        } catch (IOException e) {
            throw bindFailure("TCP", listen, e);
        }
        ListenAddress sameForUdp = new ListenAddress(listen.address(), tcpBound.getPort());
        try {
            udp.bind(sameForUdp.socketAddress());
        } catch (IOException e) {
            IOException failure = bindFailure("UDP", sameForUdp, e);
            throw listen.port() == 0 ? new UdpPortTaken(failure) : failure;
        }
        return tcpBound;
    }

    private static IOException bindFailure(String protocol, ListenAddress listen, IOException e) {
        String reason = String.valueOf(e.getMessage());
        return new IOException("cannot bind " + protocol + " " + listen + ": " + reason + advice(reason, listen), e);
    }

    /** What to do about the common bind errors, by the system's wording of them (strerror). */
    private static String advice(String reason, ListenAddress listen) {
        if (reason.contains("Permission denied") && listen.port() > 0 && listen.port() < 1024) {
            return " (use a port >= 1024 or run with CAP_NET_BIND_SERVICE)";
        }
        if (reason.contains("Address already in use")) {
            return " (another process holds this port: stop it or choose another port)";
        }
        if (reason.contains("Cannot assign requested address")) {
            return " (no local interface has this address: check the listen address against `ip address`)";
        }
        return "";
    }

    private void logTransports() {
        log.info("UDP on {}: {}", addressesText(), udp.description());
        log.info("TCP on {}: {}", addressesText(), tcp.description());
    }

    private String addressesText() {
        StringBuilder text = new StringBuilder();
        for (InetSocketAddress address : bound) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(ListenAddress.of(address));
        }
        return text.toString();
    }

    /** The bound addresses, one per listen address in order, with the ports chosen for port 0. */
    public List<InetSocketAddress> boundAddresses() {
        return bound;
    }

    /** The TCP side, for its connection counts. */
    public TcpServer tcp() {
        return tcp;
    }

    /** The zone transfer responder, for its counts. */
    public TransferResponder transfers() {
        return transfers;
    }

    /** Stops answering and closes every socket and connection; the ports are free on return. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        udp.close();
        tcp.close();
        log.info("stopped serving DNS on {}", addressesText());
    }

    /** A UDP bind failure on a port the kernel chose for TCP: worth another try with a new port. */
    private static final class UdpPortTaken extends IOException {
        final IOException failure;

        UdpPortTaken(IOException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }
}
