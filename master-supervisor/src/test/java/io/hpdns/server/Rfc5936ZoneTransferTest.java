package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.tsig.TsigKey;
import io.hpdns.tsig.TsigKeys;
import io.hpdns.xfr.AddressRange;
import io.hpdns.xfr.TransferAcl;
import io.hpdns.xfr.TransferPolicy;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Zone transfers out (RFC 5936 AXFR, RFC 1995 IXFR) with access lists and TSIG (RFC 8945), against
 * a real server on loopback, with dnsjava's {@link ZoneTransferIn} and raw TCP.
 */
class Rfc5936ZoneTransferTest {

    private static final String ORIGIN = RunningServer.EXAMPLE_ORIGIN;
    private static final Name KEY_NAME = Name.fromConstantString("xfr-key.");
    private static final byte[] SECRET = "a shared secret of 32 bytes!!!!!".getBytes();
    private static final TsigKey KEY = new TsigKey(KEY_NAME, TSIG.HMAC_SHA256, SECRET);

    @TempDir
    Path dir;

    private static TransferPolicy policy(TransferAcl acl) {
        return new TransferPolicy(TransferPolicy.DEFAULT_MAX_TRANSFERS, TsigKeys.of(List.of(KEY)),
                Map.of(Name.fromConstantString(ORIGIN), acl));
    }

    private static TransferAcl allow(String... ranges) {
        List<AddressRange> list = new ArrayList<>();
        for (String range : ranges) {
            list.add(AddressRange.parse(range));
        }
        return new TransferAcl(list, List.of());
    }

    private static TransferAcl keyRequired() {
        return new TransferAcl(List.of(AddressRange.parse("127.0.0.0/8")), List.of(KEY_NAME));
    }

    private static RunningServer exampleServer(TransferPolicy policy) throws IOException {
        return RunningServer.builder().zone(ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE).transfers(policy).start();
    }

    private static TSIG clientKey(byte[] secret) {
        return new TSIG(TSIG.HMAC_SHA256, KEY_NAME, secret);
    }

    /** Sends one request over a new TCP connection and reads messages until the transfer ends. */
    private static List<Message> transfer(RunningServer server, Message request) throws IOException {
        try (Socket socket = server.connectTcp()) {
            socket.getOutputStream().write(RunningServer.framed(request));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            return readTransfer(in);
        }
    }

    /** Messages up to the one holding the closing SOA, or the first one when it ends the exchange. */
    private static List<Message> readTransfer(DataInputStream in) throws IOException {
        List<Message> messages = new ArrayList<>();
        int soas = 0;
        while (true) {
            Message message = RunningServer.readFramed(in);
            messages.add(message);
            List<Record> answers = message.getSection(Section.ANSWER);
            for (Record record : answers) {
                if (record.getType() == Type.SOA) {
                    soas++;
                }
            }
            if (message.getRcode() != Rcode.NOERROR || soas >= 2
                    || (messages.size() == 1 && answers.size() == 1 && soas == 1)) {
                return messages;
            }
        }
    }

    private static List<Record> answers(List<Message> messages) {
        List<Record> all = new ArrayList<>();
        for (Message message : messages) {
            all.addAll(message.getSection(Section.ANSWER));
        }
        return all;
    }

    private static Message axfr(String zone) {
        return RunningServer.query(zone, Type.AXFR);
    }

    private static List<String> masterFileRecords(Path file, String origin) throws IOException {
        List<String> records = new ArrayList<>();
        try (Master master = new Master(file.toString(), Name.fromString(origin))) {
            Record record;
            while ((record = master.nextRecord()) != null) {
                records.add(record.toString());
            }
        }
        return records;
    }

    private static Path resource(String name) {
        try {
            return Path.of(Rfc5936ZoneTransferTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void axfrSendsTheSoaFirstAndLastAndEveryOtherRecordOnce() throws Exception {
        try (RunningServer server = exampleServer(policy(allow("127.0.0.1")))) {
            Message request = axfr(ORIGIN);
            List<Message> messages = transfer(server, request);

            List<Record> records = answers(messages);
            Record soa = records.getFirst();
            assertThat(soa.getType()).isEqualTo(Type.SOA);
            assertThat(records.getLast()).isEqualTo(soa);
            List<String> inside = new ArrayList<>();
            for (Record record : records.subList(1, records.size() - 1)) {
                assertThat(record.getType()).isNotEqualTo(Type.SOA);
                inside.add(record.toString());
            }
            inside.add(soa.toString());
            assertThat(inside).containsExactlyInAnyOrderElementsOf(
                    masterFileRecords(resource(RunningServer.EXAMPLE_ZONE_RESOURCE), ORIGIN));
            Message first = messages.getFirst();
            assertThat(first.getHeader().getID()).isEqualTo(request.getHeader().getID());
            assertThat(first.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(first.getQuestion()).isEqualTo(request.getQuestion());
        }
    }

    /** A zone of about 1 MB: many messages, and enough to fill the socket buffers of a slow reader. */
    private Path largeZone(int records) throws IOException {
        StringBuilder zone = new StringBuilder("""
                $ORIGIN large.test.
                $TTL 3600
                @ SOA ns1 hostmaster 7 7200 3600 1209600 300
                @ NS ns1
                ns1 A 192.0.2.1
                """);
        String padding = "x".repeat(200);
        for (int i = 0; i < records; i++) {
            zone.append("n").append(i).append(" TXT \"").append(i).append(' ').append(padding).append("\"\n");
        }
        Path file = dir.resolve("large.test.zone");
        Files.writeString(file, zone);
        return file;
    }

    private static TransferPolicy largePolicy(int maxTransfers, TransferAcl acl) {
        return new TransferPolicy(maxTransfers, TsigKeys.of(List.of(KEY)),
                Map.of(Name.fromConstantString("large.test."), acl));
    }

    @Test
    void aLargeZoneGoesOutInManyMessagesEachEchoingTheIdAndQuestion() throws Exception {
        Path file = largeZone(5000);
        try (RunningServer server = RunningServer.builder().zoneFile("large.test.", file)
                .transfers(largePolicy(10, allow("127.0.0.1"))).start()) {
            Message request = axfr("large.test.");
            List<Message> messages = transfer(server, request);

            assertThat(messages.size()).isGreaterThan(10);
            for (Message message : messages) {
                assertThat(message.getHeader().getID()).isEqualTo(request.getHeader().getID());
                assertThat(message.getQuestion()).isEqualTo(request.getQuestion());
                assertThat(message.numBytes()).isLessThanOrEqualTo(20 * 1024);
            }
            List<Record> records = answers(messages);
            assertThat(records).hasSize(5000 + 3 + 1);
            List<String> inside = new ArrayList<>();
            for (Record record : records.subList(0, records.size() - 1)) {
                inside.add(record.toString());
            }
            assertThat(inside).containsExactlyInAnyOrderElementsOf(masterFileRecords(file, "large.test."));
        }
    }

    @Test
    void aSignedMultiMessageTransferVerifiesInDnsjava() throws Exception {
        Path file = largeZone(3000);
        try (RunningServer server = RunningServer.builder().zoneFile("large.test.", file)
                .transfers(largePolicy(10, keyRequired())).start()) {
            ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Name.fromString("large.test."), server.address(),
                    clientKey(SECRET));
            xfr.setTimeout(RunningServer.CLIENT_TIMEOUT);
            xfr.run();

            // dnsjava's StreamVerifier checks each message's TSIG, chained to the previous MAC.
            assertThat(xfr.isAXFR()).isTrue();
            assertThat(xfr.getAXFR()).hasSize(5000 - 2000 + 3 + 1);
        }
    }

    @Test
    void anAddressOutsideTheAccessListIsRefused() throws Exception {
        try (RunningServer server = exampleServer(policy(allow("192.0.2.0/24", "::1")))) {
            List<Message> messages = transfer(server, axfr(ORIGIN));

            assertThat(messages).hasSize(1);
            assertThat(messages.getFirst().getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(messages.getFirst().getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void aZoneWithoutAnAccessListIsRefusedToEveryone() throws Exception {
        try (RunningServer server = exampleServer(TransferPolicy.denyAll())) {
            assertThat(transfer(server, axfr(ORIGIN)).getFirst().getRcode()).isEqualTo(Rcode.REFUSED);
        }
    }

    @Test
    void aNameThatIsNoZoneApexIsNotAuth() throws Exception {
        try (RunningServer server = exampleServer(policy(allow("127.0.0.1")))) {
            assertThat(transfer(server, axfr("www." + ORIGIN)).getFirst().getRcode()).isEqualTo(Rcode.NOTAUTH);
            assertThat(transfer(server, axfr("example.org.")).getFirst().getRcode()).isEqualTo(Rcode.NOTAUTH);
        }
    }

    @Test
    void theRightKeyGetsASignedTransfer() throws Exception {
        try (RunningServer server = exampleServer(policy(keyRequired()))) {
            ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Name.fromString(ORIGIN), server.address(), clientKey(SECRET));
            xfr.setTimeout(RunningServer.CLIENT_TIMEOUT);
            xfr.run();

            assertThat(xfr.getAXFR()).hasSize(masterFileRecords(resource(RunningServer.EXAMPLE_ZONE_RESOURCE), ORIGIN).size() + 1);
        }
    }

    @Test
    void anUnsignedRequestIsRefusedWhenAKeyIsRequired() throws Exception {
        try (RunningServer server = exampleServer(policy(keyRequired()))) {
            assertThat(transfer(server, axfr(ORIGIN)).getFirst().getRcode()).isEqualTo(Rcode.REFUSED);
        }
    }

    @Test
    void aWrongSecretIsNotAuthWithBadsig() throws Exception {
        try (RunningServer server = exampleServer(policy(keyRequired()))) {
            Message request = axfr(ORIGIN);
            clientKey("another secret, also 32 bytes!!!".getBytes()).apply(request, null);

            Message reply = transfer(server, request).getFirst();

            assertThat(reply.getRcode()).isEqualTo(Rcode.NOTAUTH);
            assertThat(reply.getTSIG().getError()).isEqualTo(Rcode.BADSIG);
            assertThat(reply.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void anUnknownKeyIsNotAuthWithBadkey() throws Exception {
        try (RunningServer server = exampleServer(policy(keyRequired()))) {
            Message request = axfr(ORIGIN);
            new TSIG(TSIG.HMAC_SHA256, Name.fromString("other-key."), SECRET).apply(request, null);

            Message reply = transfer(server, request).getFirst();

            assertThat(reply.getRcode()).isEqualTo(Rcode.NOTAUTH);
            assertThat(reply.getTSIG().getError()).isEqualTo(Rcode.BADKEY);
        }
    }

    @Test
    void aSignedOrdinaryQueryIsVerifiedAndItsAnswerSigned() throws Exception {
        try (RunningServer server = exampleServer(policy(keyRequired()))) {
            for (SimpleResolver resolver : List.of(server.udpResolver(), server.tcpResolver())) {
                resolver.setTSIGKey(clientKey(SECRET));
                Message reply = resolver.send(RunningServer.query(ORIGIN, Type.SOA));

                assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(reply.isVerified()).isTrue();
                assertThat(reply.getSection(Section.ANSWER)).singleElement()
                        .extracting(Record::getType).isEqualTo(Type.SOA);
            }
        }
    }

    @Test
    void aSignedOrdinaryQueryWithAWrongSecretIsNotAuthWithBadsig() throws Exception {
        try (RunningServer server = exampleServer(policy(keyRequired()))) {
            Message request = RunningServer.query(ORIGIN, Type.SOA);
            clientKey("another secret, also 32 bytes!!!".getBytes()).apply(request, null);
            Message reply = udp(server, request);

            assertThat(reply.getRcode()).isEqualTo(Rcode.NOTAUTH);
            TSIGRecord tsig = reply.getTSIG();
            assertThat(tsig.getError()).isEqualTo(Rcode.BADSIG);
        }
    }

    @Test
    void axfrOverUdpIsNotImplemented() throws Exception {
        try (RunningServer server = exampleServer(policy(allow("127.0.0.1")))) {
            // Raw UDP: dnsjava's resolver would turn an AXFR into a transfer over TCP.
            Message reply = udp(server, axfr(ORIGIN));
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOTIMP);
        }
    }

    private static Message udp(RunningServer server, Message request) throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis());
            byte[] wire = request.toWire();
            socket.send(new java.net.DatagramPacket(wire, wire.length, server.address()));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[65535], 65535);
            socket.receive(reply);
            return new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
        }
    }

    private static Message ixfr(String zone, long serial) throws IOException {
        Message request = RunningServer.query(zone, Type.IXFR);
        Name origin = Name.fromString(zone);
        request.addRecord(new SOARecord(origin, DClass.IN, 0, origin, origin, serial, 0, 0, 0, 0), Section.AUTHORITY);
        return request;
    }

    @Test
    void ixfrFromTheCurrentSerialIsTheCurrentSoaAlone() throws Exception {
        try (RunningServer server = exampleServer(policy(allow("127.0.0.1")))) {
            for (long serial : new long[] {2026112301L, 2026112302L}) {
                List<Message> messages = transfer(server, ixfr(ORIGIN, serial));

                assertThat(messages).hasSize(1);
                assertThat(messages.getFirst().getSection(Section.ANSWER)).singleElement()
                        .isInstanceOfSatisfying(SOARecord.class, soa -> assertThat(soa.getSerial()).isEqualTo(2026112301L));
            }
        }
    }

    @Test
    void ixfrFromAnOlderSerialIsTheWholeZone() throws Exception {
        try (RunningServer server = exampleServer(policy(allow("127.0.0.1")))) {
            List<Record> records = answers(transfer(server, ixfr(ORIGIN, 2026112300L)));

            assertThat(records).hasSize(masterFileRecords(resource(RunningServer.EXAMPLE_ZONE_RESOURCE), ORIGIN).size() + 1);
            assertThat(records.getFirst().getType()).isEqualTo(Type.SOA);
            assertThat(records.getLast().getType()).isEqualTo(Type.SOA);
        }
    }

    @Test
    void concurrentTransfersBeyondTheLimitWaitTheirTurn() throws Exception {
        // About 10 MB: more than the socket buffers hold, so a transfer to a client that does not
        // read stays in progress and keeps its slot.
        Path file = largeZone(45_000);
        int clients = 5;
        try (RunningServer server = RunningServer.builder().zoneFile("large.test.", file)
                .tcpIdleTimeout(java.time.Duration.ofSeconds(60))
                .transfers(largePolicy(2, allow("127.0.0.1"))).start()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket socket = new Socket();
                    socket.setReceiveBufferSize(4096);
                    socket.connect(server.address());
                    socket.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis() * 4);
                    OutputStream out = socket.getOutputStream();
                    out.write(RunningServer.framed(axfr("large.test.")));
                    sockets.add(socket);
                }
                var transfers = server.server().transfers();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!(transfers.streaming() == 2 && transfers.waiting() == clients - 2)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(transfers.streaming()).isEqualTo(2);
                assertThat(transfers.waiting()).isEqualTo(clients - 2);

                try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Integer>> counts = new ArrayList<>();
                    for (Socket socket : sockets) {
                        Callable<Integer> read = () -> answers(readTransfer(new DataInputStream(socket.getInputStream()))).size();
                        counts.add(readers.submit(read));
                    }
                    for (Future<Integer> count : counts) {
                        assertThat(count.get()).isEqualTo(45_000 + 3 + 1);
                    }
                }
                assertThat(transfers.mostStreaming()).isEqualTo(2);
                // A transfer counts as completed once its last message is written, which the
                // client may have read a moment before.
                long countedBy = System.nanoTime() + 10_000_000_000L;
                while (transfers.completed() < clients && System.nanoTime() < countedBy) {
                    Thread.sleep(10);
                }
                assertThat(transfers.completed()).isEqualTo(clients);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    /**
     * Stopping the server closes the listener at once but lets a transfer under way finish: the
     * secondary gets the whole zone, then the connection closes.
     */
    @Test
    void aTransferUnderWayFinishesWhenTheServerStops() throws Exception {
        // About 10 MB: more than the socket buffers hold, so the transfer to a client that does not
        // read yet is still being written when the server stops.
        Path file = largeZone(45_000);
        RunningServer server = RunningServer.builder().zoneFile("large.test.", file)
                .transfers(largePolicy(2, allow("127.0.0.1"))).start();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(server.address());
            socket.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis());
            socket.getOutputStream().write(RunningServer.framed(axfr("large.test.")));
            var transfers = server.server().transfers();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (transfers.streaming() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(transfers.streaming()).as("transfers under way").isEqualTo(1);

            Thread stopping = Thread.ofPlatform().start(server::close);
            awaitRefused(server.address());
            assertThat(transfers.streaming()).as("transfers under way once the listener is closed").isEqualTo(1);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<Record> records = answers(readTransfer(in));

            assertThat(records).hasSize(45_000 + 3 + 1);
            assertThat(records.getLast().getType()).isEqualTo(Type.SOA);
            assertThat(in.read()).as("the server closes the connection after the transfer").isEqualTo(-1);
            stopping.join();
        } finally {
            server.close();
        }
    }

    /** Waits until a new connection to {@code address} is refused: nothing listens there any more. */
    private static void awaitRefused(java.net.InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(address, 1000);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the server still accepts connections on " + address);
    }

    @Test
    void secretsAreNotShownInAKeysText() {
        assertThat(KEY.toString()).doesNotContain(Base64.getEncoder().encodeToString(SECRET)).contains("xfr-key.");
    }
}
