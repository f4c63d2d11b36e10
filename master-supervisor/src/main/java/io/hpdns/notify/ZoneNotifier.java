package io.hpdns.notify;

import io.hpdns.server.ListenAddress;
import io.hpdns.tsig.TsigKey;
import io.hpdns.xfr.ZoneRecords;
import io.hpdns.zone.CompiledZone;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.WireParseException;

/**
 * Sends NOTIFY (RFC 1996) to a zone's secondaries when a new version of the zone is served, so
 * they transfer it now rather than at their next SOA refresh. Cold path: one virtual thread per
 * secondary sends the NOTIFY over UDP and waits for its answer, sending it again with a doubling
 * wait ({@link NotifySchedule}) until answered or out of tries. The outcome is logged once per
 * zone version and secondary: INFO when acknowledged, WARN when given up.
 *
 * <p>A newer version of the same zone supersedes the NOTIFYs of the older one still being retried
 * (the secondary needs only the latest); {@link #close()} stops all of them.
 */
public final class ZoneNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZoneNotifier.class);
    /** An answer to a NOTIFY is small; a buffer for the largest UDP payload takes any datagram whole. */
    private static final int MAX_ANSWER = 65_535;

    private final NotifySchedule schedule;
    private final Consumer<NotifyOutcome> outcomes;
    private final SecureRandom ids = new SecureRandom();
    /** The round being sent for each zone; guarded by this. */
    private final Map<Name, Round> rounds = new HashMap<>();
    private boolean closed;

    /**
     * @param schedule how long to wait for an answer and how often to try
     * @param outcomes told how each NOTIFY ended, after it is logged (a test awaits them)
     */
    public ZoneNotifier(NotifySchedule schedule, Consumer<NotifyOutcome> outcomes) {
        this.schedule = schedule;
        this.outcomes = outcomes;
    }

    public ZoneNotifier() {
        this(NotifySchedule.DEFAULT, outcome -> {});
    }

    /**
     * Announces {@code soa} (the zone's new apex SOA) to every target, superseding the NOTIFYs
     * still being retried for an older version of the zone. Returns at once.
     */
    public synchronized void announce(SOARecord soa, NotifyTargets targets) {
        Name zone = soa.getName();
        Round previous = rounds.remove(zone);
        if (previous != null) {
            previous.cancel();
        }
        if (closed || targets.isEmpty()) {
            return;
        }
        Round round = new Round();
        rounds.put(zone, round);
        for (InetSocketAddress target : targets.addresses()) {
            int id = ids.nextInt(0x10000);
            Thread.ofVirtual().name("hpdns-notify-" + zone + "-" + target)
                    .start(() -> send(round, soa, target, targets.key(), id));
        }
    }

    /** Announces the apex SOA of {@code zone}, as {@link #announce(SOARecord, NotifyTargets)}. */
    public void announce(CompiledZone zone, NotifyTargets targets) {
        if (!targets.isEmpty()) {
            announce((SOARecord) ZoneRecords.soa(zone), targets);
        }
    }

    /** Stops every NOTIFY still being retried, without waiting for answers. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Round round : rounds.values()) {
            round.cancel();
        }
        rounds.clear();
    }

    private void send(Round round, SOARecord soa, InetSocketAddress target, TsigKey key, int id) {
        Message notify = NotifyMessage.of(id, soa);
        TSIG signer = key == null ? null : key.signer();
        if (signer != null) {
            notify.setTSIG(signer);
        }
        byte[] wire = notify.toWire(MAX_ANSWER);
        TSIGRecord signature = null;
        if (signer != null) {
            try {
                signature = new Message(wire).getTSIG();
            } catch (IOException e) {
                throw new IllegalStateException("a NOTIFY just built does not parse", e);
            }
        }
        int tries = 0;
        String lastProblem = "no answer";
        try (DatagramSocket socket = new DatagramSocket()) {
            if (!round.add(socket)) {
                return;
            }
            socket.connect(target);
            byte[] buffer = new byte[MAX_ANSWER];
            while (tries < schedule.tries()) {
                tries++;
                socket.send(new DatagramPacket(wire, wire.length));
                long deadline = System.nanoTime() + schedule.waitOf(tries).toNanos();
                TryResult result = awaitAnswer(socket, buffer, deadline, id, signer, signature);
                if (result.answer() != null) {
                    int rcode = result.answer().getRcode();
                    // An answer ends the retries whatever its RCODE (RFC 1996 §4.7), but only NOERROR
                    // means the secondary took it; another is its refusal, which a retry cannot change.
                    finish(new NotifyOutcome(soa.getName(), soa.getSerial(), target, rcode == Rcode.NOERROR, tries),
                            "answered " + Rcode.string(rcode) + ": does the secondary allow NOTIFY from this server"
                                    + (key == null ? "" : " with key " + key.name()) + "?");
                    return;
                }
                lastProblem = result.problem();
            }
        } catch (IOException e) {
            if (round.cancelled()) {
                return;
            }
            lastProblem = e.getMessage();
        }
        if (!round.cancelled()) {
            finish(new NotifyOutcome(soa.getName(), soa.getSerial(), target, false, tries), lastProblem);
        }
    }

    /**
     * Reads datagrams until the answer to NOTIFY {@code id} arrives or the deadline passes.
     * Anything else (a stray or late datagram) is ignored, as a resolver would.
     *
     * @return the answer, or what went wrong with this try
     * @throws SocketException when the socket was closed (superseded or stopped) or failed
     */
    private static TryResult awaitAnswer(DatagramSocket socket, byte[] buffer, long deadline, int id, TSIG signer,
                                      TSIGRecord signature) throws IOException {
        String problem = "no answer";
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new TryResult(null, problem);
            }
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return new TryResult(null, problem);
            } catch (java.net.PortUnreachableException e) {
                // ICMP port unreachable on a connected socket: nothing listens there (yet); wait on.
                problem = "port unreachable";
                continue;
            }
            Message answer;
            try {
                answer = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
            } catch (WireParseException e) {
                continue;
            }
            if (!NotifyMessage.answers(answer, id)) {
                continue;
            }
            if (signer != null) {
                int verified = signer.verify(answer, java.util.Arrays.copyOf(buffer, packet.getLength()), signature);
                if (verified != Rcode.NOERROR) {
                    problem = "answer failed TSIG verification (" + Rcode.TSIGstring(verified) + ")";
                    continue;
                }
            }
            return new TryResult(answer, null);
        }
    }

    /** How one try ended: the secondary's answer, or else why there is none. */
    private record TryResult(Message answer, String problem) {}

    private void finish(NotifyOutcome outcome, String problem) {
        if (outcome.acknowledged()) {
            log.info("NOTIFY {} serial {} to {}: acknowledged after {}", outcome.zone(), outcome.serial(),
                    ListenAddress.of(outcome.target()), outcome.tries() == 1 ? "1 try" : outcome.tries() + " tries");
        } else {
            log.warn("NOTIFY {} serial {} to {}: not acknowledged after {} ({}); the secondary will see the change "
                    + "at its next SOA refresh", outcome.zone(), outcome.serial(), ListenAddress.of(outcome.target()),
                    outcome.tries() == 1 ? "1 try" : outcome.tries() + " tries", problem);
        }
        outcomes.accept(outcome);
    }

    /** The NOTIFYs of one zone version: cancelling closes their sockets, which ends their waits. */
    private static final class Round {

        private final List<DatagramSocket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean cancelled;

        /** @return false when the round was cancelled already, so the socket is not to be used */
        boolean add(DatagramSocket socket) {
            sockets.add(socket);
            if (cancelled) {
                socket.close();
                return false;
            }
            return true;
        }

        boolean cancelled() {
            return cancelled;
        }

        void cancel() {
            cancelled = true;
            for (DatagramSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
