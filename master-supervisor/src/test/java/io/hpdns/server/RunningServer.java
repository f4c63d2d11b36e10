package io.hpdns.server;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerSettings;
import io.hpdns.tcp.TcpPolicy;
import io.hpdns.stats.QueryStats;
import io.hpdns.xfr.TransferPolicy;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZoneProblem;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * A real hpdns {@link DnsServer} for system tests: zone files from the test resources, loaded with
 * {@link ZoneLoader}, served over UDP and TCP on an ephemeral loopback port, with dnsjava clients
 * pointed at it. Close it to stop the server (try-with-resources, or {@code @AutoClose}).
 *
 * <pre>{@code
 * try (RunningServer server = RunningServer.example()) {
 *     Message reply = server.udpResolver().send(RunningServer.query("www.example.test.", Type.A));
 * }
 *
 * try (RunningServer server = RunningServer.builder()
 *         .zone("example.org.", "mytests/example.org.zone")
 *         .tcpIdleTimeout(Duration.ofMillis(200))
 *         .start()) { ... }
 * }</pre>
 *
 * A zone with any error fails {@link Builder#start()} with the problems as {@code file:line:
 * message}, so a broken fixture zone says exactly what is wrong with it.
 */
public final class RunningServer implements AutoCloseable {

    /** The zone in {@code src/test/resources/server/example.test.zone}. */
    public static final String EXAMPLE_ORIGIN = "example.test.";

    public static final String EXAMPLE_ZONE_RESOURCE = "server/example.test.zone";

    /** How long the resolvers and raw sockets of the fixture wait for an answer. */
    public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);

    private final DnsServer server;
    private final ServingStateHolder zones;

    private RunningServer(DnsServer server, ServingStateHolder zones) {
        this.server = server;
        this.zones = zones;
    }

    /** A server for the example zone, with default options, on {@code 127.0.0.1} and a free port. */
    public static RunningServer example() throws IOException {
        return builder().zone(EXAMPLE_ORIGIN, EXAMPLE_ZONE_RESOURCE).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A query for {@code name} (absolute, e.g. {@code www.example.test.}) of class IN. */
    public static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Loads a zone file from the test resources; fails with every problem when it has an error. */
    public static CompiledZone loadZone(String origin, String resource) {
        URL url = RunningServer.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        ZoneLoadResult result;
        try {
            result = ZoneLoader.load(Name.fromString(origin), Path.of(url.toURI()));
        } catch (TextParseException | URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        if (!result.ok()) {
            List<String> problems = new ArrayList<>();
            for (ZoneProblem problem : result.problems()) {
                problems.add(problem.format());
            }
            throw new IllegalStateException("zone " + origin + " from " + resource + " does not load:\n"
                    + String.join("\n", problems));
        }
        return AnswerCompiler.compile(result.zone());
    }

    public DnsServer server() {
        return server;
    }

    /** The serving state; publish a new one to change the answers of the running server. */
    public ServingStateHolder zones() {
        return zones;
    }

    /** The first listen address as bound, with its port. */
    public InetSocketAddress address() {
        return server.boundAddresses().getFirst();
    }

    public int port() {
        return address().getPort();
    }

    /** A dnsjava resolver asking over UDP; on a truncated answer (TC) it retries over TCP. */
    public SimpleResolver udpResolver() {
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTimeout(CLIENT_TIMEOUT);
        return resolver;
    }

    /** A dnsjava resolver asking over UDP that returns truncated answers as they are. */
    public SimpleResolver udpOnlyResolver() {
        SimpleResolver resolver = udpResolver();
        resolver.setIgnoreTruncation(true);
        return resolver;
    }

    /** A dnsjava resolver asking over TCP. */
    public SimpleResolver tcpResolver() {
        SimpleResolver resolver = udpResolver();
        resolver.setTCP(true);
        return resolver;
    }

    /** A raw TCP connection to the server, with the fixture's read timeout. */
    public Socket connectTcp() throws IOException {
        Socket socket = new Socket();
        socket.connect(address(), (int) CLIENT_TIMEOUT.toMillis());
        socket.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
        return socket;
    }

    /** A DNS message with its two-byte TCP length prefix (RFC 1035 §4.2.2). */
    public static byte[] framed(Message message) {
        byte[] wire = message.toWire();
        byte[] framed = new byte[2 + wire.length];
        framed[0] = (byte) (wire.length >>> 8);
        framed[1] = (byte) wire.length;
        System.arraycopy(wire, 0, framed, 2, wire.length);
        return framed;
    }

    /** Reads one length-prefixed DNS message from a TCP stream. */
    public static Message readFramed(DataInputStream in) throws IOException {
        byte[] wire = new byte[in.readUnsignedShort()];
        in.readFully(wire);
        return new Message(wire);
    }

    @Override
    public void close() {
        server.close();
    }

    /** Options for {@link RunningServer}; everything but the zones has a default. */
    public static final class Builder {
        private final List<CompiledZone> zones = new ArrayList<>();
        private final List<ListenAddress> listen = new ArrayList<>();
        private int udpThreads = ServerOptions.DEFAULT_UDP_THREADS;
        private TcpPolicy tcp = TcpPolicy.defaults();
        private AnswerSettings answers = AnswerSettings.defaults();
        private UdpTransportKind udpTransport = UdpTransportKind.DEFAULT;
        private TransferPolicy transfers = TransferPolicy.denyAll();
        private Duration addressPoll = DnsServer.ADDRESS_POLL;

        private Builder() {}

        /** Serves the zone file at {@code resource} (a class path resource) as {@code origin}. */
        public Builder zone(String origin, String resource) {
            zones.add(loadZone(origin, resource));
            return this;
        }

        /** Serves a zone file from the file system (e.g. one a test generated) as {@code origin}. */
        public Builder zoneFile(String origin, Path file) {
            ZoneLoadResult result;
            try {
                result = ZoneLoader.load(Name.fromString(origin), file);
            } catch (TextParseException e) {
                throw new IllegalArgumentException(e);
            }
            if (!result.ok()) {
                throw new IllegalStateException("zone " + origin + " from " + file + " does not load: " + result.problems());
            }
            zones.add(AnswerCompiler.compile(result.zone()));
            return this;
        }

        /** Listens here instead of {@code 127.0.0.1:0}; call again to add addresses. */
        public Builder listen(String address) {
            listen.add(ListenAddress.parse(address));
            return this;
        }

        public Builder udpThreads(int threads) {
            this.udpThreads = threads;
            return this;
        }

        public Builder tcpIdleTimeout(Duration timeout) {
            this.tcp = tcp.withIdleTimeout(timeout);
            return this;
        }

        public Builder tcpMaxConnections(int connections) {
            this.tcp = tcp.withMaxConnections(connections);
            return this;
        }

        public Builder tcpMaxConnectionsPerClient(int connections) {
            this.tcp = tcp.withMaxConnectionsPerClient(connections);
            return this;
        }

        public Builder tcpMessageTimeout(Duration timeout) {
            this.tcp = tcp.withMessageTimeout(timeout);
            return this;
        }

        public Builder udpTransport(UdpTransportKind kind) {
            this.udpTransport = kind;
            return this;
        }

        public Builder answers(AnswerSettings settings) {
            this.answers = settings;
            return this;
        }

        /** Who may transfer which zone, and the TSIG keys; by default no transfers and no keys. */
        public Builder transfers(TransferPolicy policy) {
            this.transfers = policy;
            return this;
        }

        /** How often {@code *:PORT} looks for local addresses that came or went. */
        public Builder addressPoll(Duration interval) {
            this.addressPoll = interval;
            return this;
        }

        public ServerOptions options() {
            List<ListenAddress> addresses = listen.isEmpty() ? List.of(loopback()) : listen;
            return new ServerOptions(addresses, udpThreads, tcp, udpTransport);
        }

        public RunningServer start() throws IOException {
            ServingStateHolder holder = new ServingStateHolder(ServingState.of(zones));
            return new RunningServer(DnsServer.start(options(), holder, answers, transfers, new QueryStats(),
                    new ZoneJournals(ZoneJournals.DEFAULT_DEPTH), addressPoll), holder);
        }

        private static ListenAddress loopback() {
            return new ListenAddress(InetAddress.ofLiteral("127.0.0.1"), 0);
        }
    }
}
