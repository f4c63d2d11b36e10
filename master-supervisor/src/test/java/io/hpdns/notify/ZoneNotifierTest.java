package io.hpdns.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.reload.CompileAndFollow;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.tsig.TsigKey;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * NOTIFY (RFC 1996) after reloads, received by a real UDP socket standing in for a secondary: sent
 * when the serial changes and only then, retried with a growing wait until answered, given up
 * after the last try, superseded by a newer version, signed with the zone's key.
 */
class ZoneNotifierTest {

    /** Fast, so the retry tests take about a second: 150 ms, 300 ms, 600 ms. */
    private static final NotifySchedule FAST = new NotifySchedule(Duration.ofMillis(150), 3);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final DatagramSocket secondary = bind();
    private final BlockingQueue<NotifyOutcome> outcomes = new LinkedBlockingQueue<>();
    private final ZoneNotifier notifier = new ZoneNotifier(FAST, outcomes::add);
    private ZoneConfig config;
    private CompileAndFollow reloader;

    @BeforeEach
    void reloader() {
        reloader = new CompileAndFollow(dir.resolve("state"), () -> List.of(config),
                zone -> notifier.announce(zone.zone(), zone.config().secondaries()),
                new ZoneJournals(ZoneJournals.DEFAULT_DEPTH));
    }

    private static DatagramSocket bind() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        notifier.close();
        secondary.close();
    }

    private void serve(long serial, String wwwAddress, TsigKey key) throws Exception {
        Path file = dir.resolve("example.com.zone");
        Files.writeString(file, "$ORIGIN example.com.\n$TTL 300\n"
                + "@ SOA ns1 hostmaster " + serial + " 3600 600 86400 300\n"
                + "@ NS ns1\nns1 A 192.0.2.1\nwww A " + wwwAddress + "\n");
        NotifyTargets targets = new NotifyTargets(List.of((InetSocketAddress) secondary.getLocalSocketAddress()), key);
        config = new ZoneConfig(Name.fromString("example.com."), file, targets);
    }

    /** The next datagram the secondary receives, or null when none comes within {@code wait}. */
    private Received receive(Duration wait) throws Exception {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        secondary.setSoTimeout((int) wait.toMillis());
        try {
            secondary.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] wire = Arrays.copyOf(buffer, packet.getLength());
        return new Received(new Message(wire), wire, packet.getSocketAddress());
    }

    private record Received(Message message, byte[] wire, java.net.SocketAddress from) {
        long serial() {
            return ((SOARecord) message.getSection(Section.ANSWER).getFirst()).getSerial();
        }
    }

    /** The answer a secondary gives (RFC 1996 §4.7): the same ID and question, QR set. */
    private void acknowledge(Received notify, TSIG signer) throws Exception {
        answer(notify, signer, Rcode.NOERROR);
    }

    private void answer(Received notify, TSIG signer, int rcode) throws Exception {
        Message answer = new Message(notify.message().getHeader().getID());
        answer.getHeader().setOpcode(Opcode.NOTIFY);
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.AA);
        answer.getHeader().setRcode(rcode);
        answer.addRecord(notify.message().getQuestion(), Section.QUESTION);
        if (signer != null) {
            answer.setTSIG(signer, Rcode.NOERROR, notify.message().getTSIG());
        }
        byte[] wire = answer.toWire(65_535);
        secondary.send(new DatagramPacket(wire, wire.length, notify.from()));
    }

    private NotifyOutcome outcome() throws InterruptedException {
        NotifyOutcome outcome = outcomes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(outcome).as("an outcome within " + WAIT).isNotNull();
        return outcome;
    }

    @Test
    void reloadWithANewSerialSendsNotifyWithTheNewSoa() throws Exception {
        serve(1, "192.0.2.10", null);
        reloader.loadInitial();
        serve(2, "192.0.2.20", null);

        reloader.reloadAll();

        Received notify = receive(WAIT);
        assertThat(notify).isNotNull();
        Message message = notify.message();
        assertThat(message.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
        assertThat(message.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(message.getHeader().getFlag(Flags.QR)).isFalse();
        Record question = message.getQuestion();
        assertThat(question.getName()).isEqualTo(Name.fromString("example.com."));
        assertThat(question.getType()).isEqualTo(Type.SOA);
        assertThat(message.getSection(Section.ANSWER)).hasSize(1);
        assertThat(message.getSection(Section.ANSWER).getFirst().getName()).isEqualTo(Name.fromString("example.com."));
        assertThat(notify.serial()).isEqualTo(2);

        acknowledge(notify, null);

        NotifyOutcome outcome = outcome();
        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.serial()).isEqualTo(2);
        // On a busy machine a retry may leave before the answer arrives: every try is one NOTIFY.
        assertThat(outcome.tries()).isEqualTo(1 + retriesAlreadySent());
    }

    /** NOTIFYs the secondary has received and not read yet: retries sent before the answer got there. */
    private int retriesAlreadySent() throws Exception {
        int count = 0;
        while (receive(Duration.ofMillis(1)) != null) {
            count++;
        }
        return count;
    }

    @Test
    void reloadWithTheSameSerialSendsNone() throws Exception {
        serve(1, "192.0.2.10", null);
        reloader.loadInitial();
        serve(1, "192.0.2.20", null);
        reloader.reloadAll();
        reloader.reloadAll();
        serve(3, "192.0.2.30", null);

        reloader.reloadAll();

        // The first NOTIFY to arrive is the one for serial 3: the reloads before it sent none.
        Received notify = receive(WAIT);
        assertThat(notify).isNotNull();
        assertThat(notify.serial()).isEqualTo(3);
    }

    @Test
    void unansweredNotifyIsSentAgainUntilAnsweredThenNoMore() throws Exception {
        serve(1, "192.0.2.10", null);
        reloader.loadInitial();
        serve(2, "192.0.2.20", null);
        reloader.reloadAll();

        Received first = receive(WAIT);
        Received second = receive(WAIT);
        assertThat(second).isNotNull();
        assertThat(second.message().getHeader().getID()).isEqualTo(first.message().getHeader().getID());
        acknowledge(second, null);

        NotifyOutcome outcome = outcome();
        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.tries()).isEqualTo(2 + retriesAlreadySent());
        // A further try would come 300 ms after the last; well past that, nothing more arrived.
        assertThat(receive(Duration.ofMillis(1500))).isNull();
    }

    @Test
    void aRefusalEndsTheRetriesUnacknowledged() throws Exception {
        serve(1, "192.0.2.10", null);
        reloader.loadInitial();
        serve(2, "192.0.2.20", null);
        reloader.reloadAll();

        answer(receive(WAIT), null, Rcode.REFUSED);

        NotifyOutcome outcome = outcome();
        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.tries()).isEqualTo(1 + retriesAlreadySent());
        assertThat(receive(Duration.ofMillis(1500))).isNull();
    }

    @Test
    void givesUpAfterTheLastTry() throws Exception {
        serve(1, "192.0.2.10", null);
        reloader.loadInitial();
        serve(2, "192.0.2.20", null);
        reloader.reloadAll();

        for (int i = 0; i < FAST.tries(); i++) {
            assertThat(receive(WAIT)).as("try " + (i + 1)).isNotNull();
        }

        NotifyOutcome outcome = outcome();
        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.tries()).isEqualTo(FAST.tries());
        assertThat(receive(Duration.ofMillis(500))).isNull();
    }

    @Test
    void aNewerSerialSupersedesTheRetriesOfTheOlder() throws Exception {
        serve(1, "192.0.2.10", null);
        reloader.loadInitial();
        serve(2, "192.0.2.20", null);
        reloader.reloadAll();
        assertThat(receive(WAIT).serial()).isEqualTo(2);

        serve(3, "192.0.2.30", null);
        reloader.reloadAll();

        // Once serial 3 is announced, serial 2 is sent no more, and only serial 3's outcome is told.
        Received notify = receive(WAIT);
        while (notify.serial() == 2) {
            notify = receive(WAIT);
        }
        assertThat(notify.serial()).isEqualTo(3);
        acknowledge(notify, null);
        NotifyOutcome outcome = outcome();
        assertThat(outcome.serial()).isEqualTo(3);
        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcomes.poll(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void notifyIsSignedWithTheZonesKeyAndTheSignedAnswerAccepted() throws Exception {
        TsigKey key = new TsigKey(Name.fromString("notify-key."), TSIG.HMAC_SHA256,
                "secret-secret-secret-secret-32by".getBytes());
        serve(1, "192.0.2.10", key);
        reloader.loadInitial();
        serve(2, "192.0.2.20", key);
        reloader.reloadAll();

        Received notify = receive(WAIT);
        assertThat(notify.message().getTSIG()).isNotNull();
        assertThat(key.signer().verify(notify.message(), notify.wire(), null)).isEqualTo(Rcode.NOERROR);
        acknowledge(notify, key.signer());

        NotifyOutcome outcome = outcome();
        assertThat(outcome.acknowledged()).isTrue();
        assertThat(outcome.tries()).isEqualTo(1 + retriesAlreadySent());
    }
}
