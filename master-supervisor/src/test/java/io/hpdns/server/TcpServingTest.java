package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): framing, several queries per connection, pipelining,
 * idle timeout, the connection limit and broken framing, against a real server.
 */
class TcpServingTest {

    @Test
    void answersAQueryOverTcp() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            Message reply = server.tcpResolver().send(RunningServer.query("www.example.test.", Type.AAAA));

            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(reply.getSection(Section.ANSWER)).hasSize(1);
        }
    }

    @Test
    void answersLargeRRsetWholeOverTcp() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            Message reply = server.tcpResolver().send(RunningServer.query("big.example.test.", Type.TXT));

            assertThat(reply.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(reply.getSection(Section.ANSWER)).hasSize(12);
        }
    }

    /** RFC 7766 §6.2.1: a connection carries many queries; each is answered before the next is sent. */
    @Test
    void answersQueriesOneAfterAnotherOnOneConnection() throws IOException {
        try (RunningServer server = RunningServer.example(); Socket socket = server.connectTcp()) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int id = 1; id <= 20; id++) {
                socket.getOutputStream().write(RunningServer.framed(UdpServingTest.queryWithId(id)));
                Message reply = RunningServer.readFramed(in);
                assertThat(reply.getHeader().getID()).isEqualTo(id);
                assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            }
        }
    }

    /** RFC 7766 §6.2.1.1: queries pipelined in one write are all answered. */
    @Test
    void answersPipelinedQueries() throws IOException {
        try (RunningServer server = RunningServer.example(); Socket socket = server.connectTcp()) {
            int count = 200;
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            Set<Integer> sent = new HashSet<>();
            for (int id = 1; id <= count; id++) {
                burst.write(RunningServer.framed(UdpServingTest.queryWithId(id)));
                sent.add(id);
            }
            socket.getOutputStream().write(burst.toByteArray());

            DataInputStream in = new DataInputStream(socket.getInputStream());
            Set<Integer> answered = new HashSet<>();
            for (int i = 0; i < count; i++) {
                Message reply = RunningServer.readFramed(in);
                assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(reply.getSection(Section.ANSWER)).allMatch(record -> record instanceof ARecord);
                answered.add(reply.getHeader().getID());
            }
            assertThat(answered).isEqualTo(sent);
        }
    }

    /** A message split over many segments, even inside its length prefix, is reassembled. */
    @Test
    void answersAQuerySentInPieces() throws IOException {
        try (RunningServer server = RunningServer.example(); Socket socket = server.connectTcp()) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (byte b : RunningServer.framed(UdpServingTest.queryWithId(4242))) {
                out.write(b);
                out.flush();
            }
            Message reply = RunningServer.readFramed(new DataInputStream(socket.getInputStream()));
            assertThat(reply.getHeader().getID()).isEqualTo(4242);
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    /** RFC 7766 §6.2.3: the server closes a connection that stays idle. */
    @Test
    void closesAnIdleConnection() throws IOException {
        try (RunningServer server = exampleServer().tcpIdleTimeout(Duration.ofMillis(200)).start();
                Socket socket = server.connectTcp()) {
            socket.getOutputStream().write(RunningServer.framed(UdpServingTest.queryWithId(1)));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(RunningServer.readFramed(in).getHeader().getID()).isEqualTo(1);

            assertClosedByServer(socket);
        }
    }

    /** A zero-length message is no DNS message (RFC 1035 §4.1.1): the server hangs up. */
    @Test
    void zeroLengthMessageClosesTheConnectionOnly() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            try (Socket socket = server.connectTcp()) {
                socket.getOutputStream().write(new byte[] {0, 0});
                assertClosedByServer(socket);
            }
            assertThat(server.tcpResolver().send(RunningServer.query("www.example.test.", Type.A)).getRcode())
                    .isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void streamEndingInsideAMessageClosesTheConnectionOnly() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            try (Socket socket = server.connectTcp()) {
                byte[] framed = RunningServer.framed(UdpServingTest.queryWithId(7));
                socket.getOutputStream().write(framed, 0, framed.length - 5);
                socket.shutdownOutput();
                assertClosedByServer(socket);
            }
            try (Socket socket = server.connectTcp()) {
                socket.getOutputStream().write(new byte[] {0});
                socket.shutdownOutput();
                assertClosedByServer(socket);
            }
            assertThat(server.tcpResolver().send(RunningServer.query("www.example.test.", Type.A)).getRcode())
                    .isEqualTo(Rcode.NOERROR);
        }
    }

    private static RunningServer.Builder exampleServer() {
        return RunningServer.builder().zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE);
    }

    static void assertAnswers(Socket socket, int id) throws IOException {
        socket.getOutputStream().write(RunningServer.framed(UdpServingTest.queryWithId(id)));
        Message reply = RunningServer.readFramed(new DataInputStream(socket.getInputStream()));
        assertThat(reply.getHeader().getID()).isEqualTo(id);
    }

    /**
     * The server closed its side: the next read ends the stream (or the kernel reports the reset
     * when the server closed with unread data) instead of timing out.
     */
    static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketException reset) {
            return;
        }
        assertThat(read).as("the server closes the connection").isEqualTo(-1);
    }

}
