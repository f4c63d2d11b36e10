package io.hpdns.server;

import static io.hpdns.server.TcpServingTest.assertAnswers;
import static io.hpdns.server.TcpServingTest.assertClosedByServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TcpKeepaliveOption;
import org.xbill.DNS.Type;

/**
 * RFC 7766 §6.2 connection management and RFC 7828 keepalive against a real server: the total and
 * per-client limits, closing the longest idle connection to make room, the deadline for a message
 * that arrives too slowly, the keepalive option, and many idle connections held while answering.
 */
class Rfc7766ConnectionLimitsTest {

    private static RunningServer.Builder exampleServer() {
        return RunningServer.builder().zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE);
    }

    /**
     * RFC 7766 §6.2.2 spirit: at the limit, an idle connection makes room for the new one, and the
     * other keeps being answered. The one closed is the one the server saw idle longest; a client
     * cannot tell which that is, since a connection turns idle on the server's side only after its
     * answer has left, so either may be the one.
     */
    @Test
    void closesAnIdleConnectionForANewOne() throws Exception {
        try (RunningServer server = exampleServer().tcpMaxConnections(2).start();
                Socket first = server.connectTcp();
                Socket second = server.connectTcp()) {
            assertAnswers(first, 1);
            assertAnswers(second, 2);
            awaitIdle(server, 2);
            try (Socket third = server.connectTcp()) {
                assertAnswers(third, 3);
                first.setSoTimeout(200);
                boolean firstClosed = closedByServer(first);
                Socket survivor = firstClosed ? second : first;
                if (!firstClosed) {
                    assertClosedByServer(second);
                }
                survivor.setSoTimeout(5_000);
                assertAnswers(survivor, 4);
            }
            assertThat(server.server().tcp().evictedConnections()).isEqualTo(1);
        }
    }

    /** Whether the server has closed the connection; false when a read times out instead. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            assertClosedByServer(socket);
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }

    /** With no idle connection to close, the new one is closed instead. */
    @Test
    void refusesANewConnectionWhenNoneIsIdle() throws Exception {
        try (RunningServer server = exampleServer().tcpMaxConnections(2).start();
                Socket first = busyConnection(server);
                Socket second = busyConnection(server)) {
            awaitOpen(server, 2);
            awaitIdle(server, 0);
            try (Socket refused = server.connectTcp()) {
                assertClosedByServer(refused);
            }
            assertThat(server.server().tcp().refusedConnections()).isEqualTo(1);
            first.close();
            awaitOpen(server, 1);
            try (Socket admitted = server.connectTcp()) {
                assertAnswers(admitted, 5);
            }
        }
    }

    @Test
    void limitsConnectionsPerClientAddress() throws Exception {
        try (RunningServer server = exampleServer().tcpMaxConnectionsPerClient(2).start();
                Socket first = busyConnection(server);
                Socket second = busyConnection(server)) {
            awaitOpen(server, 2);
            awaitIdle(server, 0);
            try (Socket refused = server.connectTcp()) {
                assertClosedByServer(refused);
            }
            // Another client address (all of 127/8 is loopback on Linux) still gets in.
            try (Socket other = new Socket()) {
                other.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.2"), 0));
                other.connect(server.address(), 5000);
                other.setSoTimeout(5000);
                assertAnswers(other, 6);
            }
        }
    }

    @Test
    void perClientLimitClosesThatClientsLongestIdleConnection() throws Exception {
        try (RunningServer server = exampleServer().tcpMaxConnectionsPerClient(2).start();
                Socket busy = busyConnection(server)) {
            try (Socket idle = server.connectTcp()) {
                assertAnswers(idle, 1);
                awaitOpen(server, 2);
                awaitIdle(server, 1);
                try (Socket third = server.connectTcp()) {
                    assertAnswers(third, 2);
                    assertClosedByServer(idle);
                }
            }
        }
    }

    /**
     * Slowloris: a byte every 50 ms keeps resetting the idle timeout, but the message must be
     * complete within the message timeout of its first byte.
     */
    @Test
    void closesAConnectionWhoseMessageArrivesTooSlowly() throws Exception {
        try (RunningServer server = exampleServer().tcpMessageTimeout(Duration.ofMillis(300)).start();
                Socket socket = server.connectTcp()) {
            socket.setTcpNoDelay(true);
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(0x01); // announces a 256+ octet message
                    for (int i = 0; i < 200; i++) {
                        Thread.sleep(50);
                        out.write(0x00);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server hung up, as it should
                }
            });
            assertClosedByServer(socket);
            trickle.interrupt();
            trickle.join();
        }
    }

    /** RFC 7828 §3.3.2: over TCP, the option is answered with the idle timeout in 100 ms units. */
    @Test
    void answersTheKeepaliveOptionWithTheIdleTimeout() throws Exception {
        try (RunningServer server = exampleServer().tcpIdleTimeout(Duration.ofSeconds(7)).start();
                Socket socket = server.connectTcp()) {
            Message query = RunningServer.query("www.example.test.", Type.A);
            query.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new TcpKeepaliveOption())), org.xbill.DNS.Section.ADDITIONAL);
            socket.getOutputStream().write(RunningServer.framed(query));
            Message reply = RunningServer.readFramed(new DataInputStream(socket.getInputStream()));

            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            List<EDNSOption> options = reply.getOPT().getOptions(EDNSOption.Code.TCP_KEEPALIVE);
            assertThat(options).hasSize(1);
            assertThat(((TcpKeepaliveOption) options.getFirst()).getTimeout()).hasValue(70);

            // RFC 7828 §3.2.1: never over UDP.
            Message udpReply = server.udpResolver().send(query);
            assertThat(udpReply.getOPT().getOptions(EDNSOption.Code.TCP_KEEPALIVE)).isEmpty();
        }
    }

    /**
     * Thousands of idle connections are held (they cost a small read buffer, a socket and a parked
     * virtual thread each) while the server keeps answering; closing them brings the count back.
     * The heap they take is printed: it counts both ends, as the clients live in this JVM too.
     */
    @Test
    void holdsThousandsOfIdleConnectionsWhileAnswering() throws Exception {
        // Each connection takes two descriptors here (client and server end); stay well inside 20000.
        int count = 4000;
        try (RunningServer server = exampleServer().tcpMaxConnectionsPerClient(count + 10).tcpIdleTimeout(Duration.ofMinutes(5)).start()) {
            long before = heapAfterGc();
            List<Socket> sockets = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    Socket socket = new Socket();
                    socket.connect(server.address(), 5000);
                    sockets.add(socket);
                }
                awaitOpen(server, count);
                long held = heapAfterGc() - before;
                System.out.printf("%d idle TCP connections: %d KiB of heap, %d bytes per connection (both ends)%n",
                        count, held / 1024, held / count);

                try (Socket fresh = server.connectTcp()) {
                    assertAnswers(fresh, 3);
                }
                assertAnswers(sockets.getFirst(), 1);
                assertAnswers(sockets.getLast(), 2);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            awaitOpen(server, 0);
        }
    }

    /**
     * A new connection that has sent the first octet of a length prefix: busy reading a message
     * until the message timeout. It is seen idle first and sends the octet only then, and is seen
     * busy before it is returned: sent at once, the octet finds a thread that counts the connection
     * idle for a moment as it starts, and the idle count would match at a moment it should not.
     */
    private static Socket busyConnection(RunningServer server) throws IOException, InterruptedException {
        int idle = server.server().tcp().idleConnections();
        Socket socket = server.connectTcp();
        awaitIdle(server, idle + 1);
        socket.getOutputStream().write(0);
        socket.getOutputStream().flush();
        awaitIdle(server, idle);
        return socket;
    }

    /** The server counts connections as its threads see them open and close, a moment later. */
    private static void awaitOpen(RunningServer server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.server().tcp().openConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.server().tcp().openConnections()).isEqualTo(expected);
    }

    /**
     * A connection's thread marks it idle when it begins to wait for a message, after its answer
     * has left, and busy once a message's first octet is read: a moment after the client sees either.
     */
    private static void awaitIdle(RunningServer server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.server().tcp().idleConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.server().tcp().idleConnections()).isEqualTo(expected);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
