package io.hpdns.xfr;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.tcp.ZoneTransfers;
import io.hpdns.tsig.TsigCheck;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers AXFR (RFC 5936) and IXFR (RFC 1995) requests handed over by TCP connections, on the
 * connection's virtual thread: checks the TSIG (RFC 8945) and the zone's access list, then streams
 * the zone. A fair {@link Semaphore} bounds the transfers streaming at once; the others park their
 * virtual threads (a semaphore does not pin the carrier) and go in arrival order, so a burst of
 * requests queues instead of holding many zones' worth of messages in memory at once.
 *
 * <p>IXFR (RFC 1995 §4): a client whose serial is the current one or newer gets the current SOA
 * alone; a client whose serial the zone's {@link ZoneJournal} covers gets the changes since, each
 * as old SOA, deleted records, new SOA, added records, between two copies of the current SOA; any
 * other (serial unknown, or its history dropped) gets the whole zone, AXFR-style.
 */
public final class TransferResponder implements ZoneTransfers {

    private static final Logger log = LoggerFactory.getLogger(TransferResponder.class);

    private static final ThrottledWarning refused =
            new ThrottledWarning(log, "zone transfer refused", Duration.ofSeconds(10));
    private static final ThrottledWarning badSignature =
            new ThrottledWarning(log, "zone transfer with a bad TSIG", Duration.ofSeconds(10));

    private final ServingStateHolder zones;
    private final TransferPolicy policy;
    private final ZoneJournals journals;
    private final Semaphore slots;
    private final AtomicInteger streaming = new AtomicInteger();
    private final AtomicInteger mostStreaming = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();

    /** Without journals: every IXFR from an older serial gets the whole zone. */
    public TransferResponder(ServingStateHolder zones, TransferPolicy policy) {
        this(zones, policy, new ZoneJournals(ZoneJournals.DEFAULT_DEPTH));
    }

    /** @param journals the zones' recent changes, which IXFR requests are answered from */
    public TransferResponder(ServingStateHolder zones, TransferPolicy policy, ZoneJournals journals) {
        this.zones = zones;
        this.policy = policy;
        this.journals = journals;
        this.slots = new Semaphore(policy.maxTransfers(), true);
    }

    @Override
    public void transfer(byte[] query, int length, InetAddress client, OutputStream out) throws IOException {
        byte[] wire = java.util.Arrays.copyOf(query, length);
        Message request;
        try {
            request = new Message(wire);
        } catch (IOException e) {
            // The engine's reader accepted it; dnsjava is stricter. Answer as to any malformed query.
            TransferStream.write(out, header(wire, Rcode.FORMERR));
            out.flush();
            return;
        }
        TsigCheck signed = null;
        if (request.getTSIG() != null) {
            signed = TsigCheck.verify(wire, policy.keys());
            if (!signed.verified()) {
                badSignature.occurred(client.getHostAddress() + " asked for " + request.getQuestion().getName()
                        + " with " + (signed.key() == null ? "unknown key " + signed.record().getName()
                        : signed.key()) + ": " + Rcode.TSIGstring(signed.error()), null);
                Message reply = reply(request, Rcode.NOTAUTH);
                signed.addErrorRecord(reply);
                send(out, reply);
                return;
            }
        }
        Record question = request.getQuestion();
        CompiledZone zone = question.getDClass() == DClass.IN ? servedZone(question.getName()) : null;
        if (zone == null) {
            // RFC 5936 §2.2.1: not authoritative for that zone (only zone apexes can be transferred).
            send(out, signedReply(request, Rcode.NOTAUTH, signed));
            return;
        }
        if (!policy.acl(zone.origin()).permits(client, signed == null ? null : signed.key())) {
            refused.occurred(Type.string(question.getType()) + " of " + zone.origin() + " to "
                    + client.getHostAddress() + (signed == null ? " (unsigned)" : " (" + signed.key() + ")"), null);
            send(out, signedReply(request, Rcode.REFUSED, signed));
            return;
        }
        SOARecord clientSoa = question.getType() == Type.IXFR ? clientSoa(request) : null;
        if (clientSoa != null && SerialNumber.sameOrNewer(zone.serial(), clientSoa.getSerial())) {
            TransferStream stream = new TransferStream(request, signed, out);
            stream.add(ZoneRecords.soa(zone));
            stream.finish();
            return;
        }
        List<ZoneDelta> changes = clientSoa == null ? null
                : journals.journal(zone.origin()).since(clientSoa.getSerial(), zone.serial());
        stream(request, signed, zone, client, out, changes);
    }

    /** Streams the changes when given (incremental IXFR), else the whole zone. */
    private void stream(Message request, TsigCheck signed, CompiledZone zone, InetAddress client, OutputStream out,
            List<ZoneDelta> changes) throws IOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting to transfer " + zone.origin());
        }
        mostStreaming.accumulateAndGet(streaming.incrementAndGet(), Math::max);
        try {
            TransferStream stream = new TransferStream(request, signed, out);
            Record soa = ZoneRecords.soa(zone);
            // RFC 5936 §2.2 and RFC 1995 §4: the current SOA opens and closes the answer.
            stream.add(soa);
            if (changes != null) {
                for (ZoneDelta change : changes) {
                    stream.add(change.from());
                    for (Record record : change.deleted()) {
                        stream.add(record);
                    }
                    stream.add(change.to());
                    for (Record record : change.added()) {
                        stream.add(record);
                    }
                }
            } else {
                ZoneRecords.walk(zone, records -> {
                    for (Record record : records) {
                        stream.add(record);
                    }
                });
            }
            stream.add(soa);
            stream.finish();
            completed.incrementAndGet();
            log.info("{} of {} {}serial {} to {}{}: {} records in {} messages",
                    Type.string(request.getQuestion().getType()), zone.origin(),
                    changes == null ? "" : "(incremental, " + changes.size() + " changes from serial "
                            + changes.getFirst().from().getSerial() + ") ",
                    zone.serial(), client.getHostAddress(), signed == null ? "" : " (" + signed.key().name() + ")",
                    stream.records(), stream.messages());
        } finally {
            streaming.decrementAndGet();
            slots.release();
        }
    }

    /** The served zone whose origin is exactly this name, or null. */
    private CompiledZone servedZone(Name name) {
        for (CompiledZone zone : zones.get().zones()) {
            if (zone.origin().equals(name)) {
                return zone;
            }
        }
        return null;
    }

    /** RFC 1995 §3: the SOA of the client's version, in the request's authority section, or null. */
    private static SOARecord clientSoa(Message request) {
        for (Record record : request.getSection(Section.AUTHORITY)) {
            if (record instanceof SOARecord soa) {
                return soa;
            }
        }
        return null;
    }

    private static Message reply(Message request, int rcode) {
        Message reply = new Message(request.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setOpcode(request.getHeader().getOpcode());
        reply.getHeader().setRcode(rcode);
        reply.addRecord(request.getQuestion(), Section.QUESTION);
        if (request.getOPT() != null) {
            // RFC 6891 §7: a request with OPT gets an OPT back, errors included.
            reply.addRecord(new OPTRecord(TransferStream.EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return reply;
    }

    /** An error reply, signed when the request was (RFC 8945 §5.3). */
    private static Message signedReply(Message request, int rcode, TsigCheck signed) {
        Message reply = reply(request, rcode);
        if (signed != null) {
            signed.key().signer().apply(reply, signed.record());
        }
        return reply;
    }

    private static void send(OutputStream out, Message reply) throws IOException {
        TransferStream.write(out, reply.toWire());
        out.flush();
    }

    /** A header-only reply for a request dnsjava could not parse. */
    private static byte[] header(byte[] request, int rcode) {
        byte[] reply = new byte[12];
        reply[0] = request[0];
        reply[1] = request[1];
        reply[2] = (byte) (0x80 | (request[2] & 0x78));
        reply[3] = (byte) rcode;
        return reply;
    }

    /** Transfers streaming now. */
    public int streaming() {
        return streaming.get();
    }

    /** Transfers waiting for their turn. */
    public int waiting() {
        return slots.getQueueLength();
    }

    /** The most transfers that ever streamed at the same time: never above the limit. */
    public int mostStreaming() {
        return mostStreaming.get();
    }

    /** Transfers sent to the end. */
    public long completed() {
        return completed.get();
    }

    public TransferPolicy policy() {
        return policy;
    }
}
