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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
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
 *
 * <p>{@code *:PORT} binds every local address for itself and follows the addresses as they come
 * and go ({@link WildcardListener}, {@link LocalAddressWatch}). Closing loses no query: UDP sockets
 * answer what is queued to them before they close, TCP connections what they have read.
 */
public final class DnsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    /** How often {@code *:PORT} looks for local addresses that came or went. */
    static final Duration ADDRESS_POLL = Duration.ofSeconds(2);

    /**
     * A port the kernel chose for TCP can be taken for UDP, or on another address, by another
     * process; a fresh port almost never is, so a few attempts make port 0 reliable.
     */
    private static final int PORT_ZERO_ATTEMPTS = 5;

    private final ServingSockets sockets;
    private final TransferResponder transfers;
    private final List<ListenAddress> listen;
    /** Per listen address: the bound address of an explicit one, null for {@code *:PORT}. */
    private final List<InetSocketAddress> fixed;
    /** Per listen address: the listener of {@code *:PORT}, null for an explicit one. */
    private final List<WildcardListener> wildcards;
    /** Null when no listen address is {@code *:PORT}. */
    private final LocalAddressWatch watch;
    private boolean closed;

    private DnsServer(ServingSockets sockets, TransferResponder transfers, List<ListenAddress> listen,
                      List<InetSocketAddress> fixed, List<WildcardListener> wildcards, Duration addressPoll) {
        this.sockets = sockets;
        this.transfers = transfers;
        this.listen = List.copyOf(listen);
        this.fixed = new ArrayList<>(fixed);
        this.wildcards = new ArrayList<>(wildcards);
        List<WildcardListener> following = new ArrayList<>();
        for (WildcardListener wildcard : wildcards) {
            if (wildcard != null) {
                following.add(wildcard);
            }
        }
        this.watch = following.isEmpty() ? null : new LocalAddressWatch(addressPoll, following);
    }

    /**
     * Binds every listen address, TCP first and then UDP on the port TCP got (so port 0 becomes one
     * free port for both), and starts answering.
     *
     * @throws IOException when an address cannot be bound, naming the protocol, the address, the
     *     system's reason and what to do; nothing stays bound then. For {@code *:PORT} only when
     *     no local address can be bound: the ones that fail are logged and tried again.
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
        return start(options, zones, answers, transfers, stats, journals, ADDRESS_POLL);
    }

    /** As the public ones, looking for local addresses that came or went every {@code addressPoll}. */
    static DnsServer start(ServerOptions options, ServingStateHolder zones, AnswerSettings answers,
                           TransferPolicy transfers, QueryStats stats, ZoneJournals journals, Duration addressPoll)
            throws IOException {
        Supplier<QueryProcessor> processors = () -> {
            QueryProcessor processor = new QueryProcessor(zones, answers, stats.newCounters());
            processor.tsigKeys(transfers.keys());
            return processor;
        };
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options, processors, new TransferResponder(zones, transfers, journals), addressPoll);
            } catch (ServingSockets.ChosenPortTaken e) {
                if (attempt == PORT_ZERO_ATTEMPTS) {
                    throw e.failure;
                }
                log.debug("{}; trying another port", e.failure.getMessage());
            }
        }
    }

    private static DnsServer startOnce(ServerOptions options, Supplier<QueryProcessor> processors,
            TransferResponder transfers, Duration addressPoll) throws IOException {
        TcpServer tcp = new TcpServer(processors, options.tcp(), transfers);
        UdpTransport udp = null;
        try {
            udp = openUdp(options, processors);
            ServingSockets sockets = new ServingSockets(tcp, udp);
            List<InetAddress> local = hasWildcard(options.listen()) ? localAddresses() : List.of();
            List<InetSocketAddress> fixed = new ArrayList<>();
            List<WildcardListener> wildcards = new ArrayList<>();
            for (ListenAddress listen : options.listen()) {
                if (listen.isWildcard()) {
                    WildcardListener wildcard = new WildcardListener(listen, sockets);
                    wildcard.start(local);
                    wildcards.add(wildcard);
                    fixed.add(null);
                } else {
                    fixed.add(sockets.bind(listen, false));
                    wildcards.add(null);
                }
            }
            DnsServer server = new DnsServer(sockets, transfers, options.listen(), fixed, wildcards, addressPoll);
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

    private static boolean hasWildcard(List<ListenAddress> listen) {
        for (ListenAddress address : listen) {
            if (address.isWildcard()) {
                return true;
            }
        }
        return false;
    }

    private static List<InetAddress> localAddresses() throws IOException {
        try {
            return LocalAddresses.current();
        } catch (IOException e) {
            throw new IOException("cannot list this host's addresses to serve *:PORT on: " + e.getMessage()
                    + " (give the addresses explicitly in server.listen)", e);
        }
    }

    /**
     * Links the configured UDP transport's native calls ahead of {@link #start}; safe on any
     * thread, and a transport that cannot run is reported by {@code start}, not here.
     */
    public static void prepareUdp(ServerOptions options) {
        if (options.udpTransport() == UdpTransportKind.FFM) {
            try {
                FfmUdpTransport.link();
            } catch (IOException e) {
                // start says so, and falls back to netty
            }
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

    private void logTransports() {
        String addresses = text(boundAddresses());
        log.info("UDP on {}: {}", addresses, sockets.udp().description());
        log.info("TCP on {}: {}", addresses, sockets.tcp().description());
        if (watch != null) {
            for (WildcardListener wildcard : wildcards) {
                if (wildcard != null) {
                    log.info("{}: each local address with sockets of its own, following addresses as they come and go"
                            + " (checked every {} ms)", wildcard.listen(), watch.interval().toMillis());
                }
            }
        }
    }

    private static String text(List<InetSocketAddress> addresses) {
        StringBuilder text = new StringBuilder();
        for (InetSocketAddress address : addresses) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(ListenAddress.of(address));
        }
        return text.toString();
    }

    /**
     * The addresses served at this moment, with the ports chosen for port 0: for each listen
     * address in order, the address itself, or for {@code *:PORT} every local address bound now
     * (IPv4 first, then IPv6). A snapshot: with {@code *:PORT} it changes as addresses come and go.
     */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < listen.size(); i++) {
            WildcardListener wildcard = wildcards.get(i);
            if (wildcard == null) {
                addresses.add(fixed.get(i));
            } else {
                addresses.addAll(wildcard.bound());
            }
        }
        return List.copyOf(addresses);
    }

    /**
     * The listen addresses as configured, with the port the kernel chose where port 0 was asked
     * ({@code *:0} stays {@code *} with its chosen port): what another process binds to share
     * these ports through SO_REUSEPORT.
     */
    public List<ListenAddress> listenAddresses() {
        List<ListenAddress> resolved = new ArrayList<>(listen.size());
        for (int i = 0; i < listen.size(); i++) {
            WildcardListener wildcard = wildcards.get(i);
            resolved.add(wildcard == null ? ListenAddress.of(fixed.get(i)) : new ListenAddress(null, wildcard.port()));
        }
        return List.copyOf(resolved);
    }

    /**
     * What stopped serving although nobody closed it (a UDP thread or TCP listener that ended on
     * an error), for the log; null while every bound address is served.
     */
    public String fault() {
        String udp = sockets.udp().fault();
        return udp != null ? udp : sockets.tcp().fault();
    }

    /** The TCP side, for its connection counts. */
    public TcpServer tcp() {
        return sockets.tcp();
    }

    /** The zone transfer responder, for its counts. */
    public TransferResponder transfers() {
        return transfers;
    }

    /**
     * Stops answering and closes every socket and connection, losing no query a socket has taken:
     * UDP sockets stop taking datagrams (the other sockets of their SO_REUSEPORT groups, another
     * process's during a rolling restart, get them instead) and answer what is queued; TCP stops
     * accepting, and connections answer what they have read (for up to 2 s) and close. The ports
     * are free on return.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watch != null) {
            watch.close();
        }
        String served = text(boundAddresses());
        sockets.udp().close();
        sockets.tcp().close();
        log.info("stopped serving DNS on {}", served);
    }
}
