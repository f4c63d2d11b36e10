package io.hpdns.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import io.hpdns.stats.QueryStats;
import io.hpdns.udp.ffm.FfmUdpTransport;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A rolling restart closes one process's UDP sockets while another process's sockets share the
 * port (SO_REUSEPORT). Closing a socket drops the datagrams queued to it, so a transport must stop
 * taking new ones, answer what is queued, and only then close. Here two transports share a port,
 * a client sends a steady stream of queries from many source ports (so the kernel's hash spreads
 * them over both), and the first transport is closed, or its address unbound, halfway: every
 * query must get exactly one answer.
 */
class UdpCloseLosesNoQueryTest {

    private static final int QUERIES = 20_000;
    private static final int CLIENT_SOCKETS = 64;
    /** Queries in flight at most: well within the socket buffers, so no drop comes from overload. */
    private static final int WINDOW = 2048;
    /** The stream has stalled (a query was lost) when no answer came for this long. */
    private static final long STALL_MILLIS = 5000;

    private static ServingStateHolder zones;

    enum Kind {
        FFM, NETTY;

        UdpTransport open(Supplier<QueryProcessor> processors) throws IOException {
            return this == FFM ? FfmUdpTransport.open(2, processors) : NettyUdpTransport.open(2, processors);
        }
    }

    enum Stop { CLOSE, UNBIND }

    @BeforeAll
    static void loadExampleZone() throws IOException {
        ZoneLoadResult loaded = ZoneLoader.load(Name.fromString("example.com."),
                Path.of("..", "conf", "zones", "example.com.zone"));
        zones = new ServingStateHolder(ServingState.of(List.of(AnswerCompiler.compile(loaded.zone()))));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Kind.FFM, Stop.CLOSE, "127.0.0.1"),
                Arguments.of(Kind.FFM, Stop.UNBIND, "127.0.0.1"),
                Arguments.of(Kind.FFM, Stop.CLOSE, "::1"),
                Arguments.of(Kind.NETTY, Stop.CLOSE, "127.0.0.1"),
                Arguments.of(Kind.NETTY, Stop.UNBIND, "127.0.0.1"));
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("cases")
    void everyQueryIsAnsweredExactlyOnceWhileOneSocketGroupCloses(Kind kind, Stop stop, String address)
            throws Exception {
        InetAddress loopback = InetAddress.ofLiteral(address);
        assumeTrue(canBind(loopback), "this host has no " + address);
        QueryStats closingStats = new QueryStats();
        QueryStats stayingStats = new QueryStats();
        UdpTransport closing = kind.open(processors(closingStats));
        try (UdpTransport staying = FfmUdpTransport.open(2, processors(stayingStats))) {
            InetSocketAddress server = closing.bind(new InetSocketAddress(loopback, 0));
            staying.bind(server);

            QueryStream stream = new QueryStream(loopback, server);
            try {
                stream.run(() -> {
                    if (stop == Stop.CLOSE) {
                        closing.close();
                    } else {
                        assertThat(closing.unbind(server)).isTrue();
                    }
                });
            } finally {
                stream.close();
            }

            long byClosing = closingStats.snapshot().qtype(Type.A);
            long byStaying = stayingStats.snapshot().qtype(Type.A);
            System.out.printf("%s %s on %s: %d queries sent, %d answered once, %d twice; the closing group"
                            + " answered %d, the staying group %d%n", kind, stop, address, QUERIES,
                    stream.answeredOnce(), stream.answeredTwice(), byClosing, byStaying);
            assertThat(stream.unanswered()).as("queries without an answer").isEmpty();
            assertThat(stream.answeredTwice()).as("queries answered twice").isZero();
            assertThat(byClosing).as("queries the closing group answered").isPositive();
            assertThat(byStaying).as("queries the staying group answered").isPositive();
            assertThat(byClosing + byStaying).isEqualTo(QUERIES);
        } finally {
            closing.close();
        }
    }

    private static Supplier<QueryProcessor> processors(QueryStats stats) {
        return () -> new QueryProcessor(zones, AnswerSettings.defaults(), stats.newCounters());
    }

    private static boolean canBind(InetAddress address) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@link #QUERIES} queries with IDs 0 to QUERIES-1, sent round-robin from {@link
     * #CLIENT_SOCKETS} sockets with at most {@link #WINDOW} unanswered; each socket has a virtual
     * thread counting the answers per ID.
     */
    private static final class QueryStream {
        private final InetSocketAddress server;
        private final List<DatagramSocket> clients = new ArrayList<>();
        private final List<Thread> receivers = new ArrayList<>();
        private final AtomicIntegerArray answers = new AtomicIntegerArray(QUERIES);
        private final AtomicLong answered = new AtomicLong();

        QueryStream(InetAddress loopback, InetSocketAddress server) throws SocketException {
            this.server = server;
            for (int i = 0; i < CLIENT_SOCKETS; i++) {
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0));
                client.setReceiveBufferSize(1 << 20);
                clients.add(client);
                receivers.add(Thread.ofVirtual().start(() -> receive(client)));
            }
        }

        /** Sends every query, runs {@code stop} on its own thread halfway, and waits for the answers. */
        void run(ThrowingRunnable stop) throws Exception {
            Thread stopper = null;
            List<Throwable> stopFailure = new ArrayList<>();
            for (int id = 0; id < QUERIES; id++) {
                if (id == QUERIES / 2) {
                    stopper = Thread.ofPlatform().start(() -> {
                        try {
                            stop.run();
                        } catch (Throwable t) {
                            stopFailure.add(t);
                        }
                    });
                }
                awaitAnswers(id - WINDOW);
                byte[] query = query(id);
                clients.get(id % CLIENT_SOCKETS).send(new DatagramPacket(query, query.length, server));
            }
            awaitAnswers(QUERIES);
            stopper.join();
            assertThat(stopFailure).isEmpty();
        }

        /** Waits until at least {@code count} answers are in, or no answer came for {@link #STALL_MILLIS}. */
        private void awaitAnswers(long count) throws InterruptedException {
            long seen = answered.get();
            long since = System.nanoTime();
            while (answered.get() < count) {
                if (answered.get() != seen) {
                    seen = answered.get();
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > STALL_MILLIS * 1_000_000) {
                    return;
                }
                Thread.sleep(0, 50_000);
            }
        }

        private void receive(DatagramSocket client) {
            byte[] buffer = new byte[4096];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (!client.isClosed()) {
                try {
                    client.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    return;
                }
                int id = (buffer[0] & 0xff) << 8 | buffer[1] & 0xff;
                if (packet.getLength() >= 12 && id < QUERIES) {
                    answers.incrementAndGet(id);
                    answered.incrementAndGet();
                }
            }
        }

        List<Integer> unanswered() {
            List<Integer> missing = new ArrayList<>();
            for (int id = 0; id < QUERIES; id++) {
                if (answers.get(id) == 0) {
                    missing.add(id);
                }
            }
            return missing;
        }

        long answeredOnce() {
            long once = 0;
            for (int id = 0; id < QUERIES; id++) {
                once += answers.get(id) == 1 ? 1 : 0;
            }
            return once;
        }

        long answeredTwice() {
            long more = 0;
            for (int id = 0; id < QUERIES; id++) {
                more += answers.get(id) > 1 ? 1 : 0;
            }
            return more;
        }

        void close() throws InterruptedException {
            for (DatagramSocket client : clients) {
                client.close();
            }
            for (Thread receiver : receivers) {
                receiver.join();
            }
        }

        private static byte[] query(int id) {
            try {
                Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
                query.getHeader().setID(id);
                return query.toWire();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
