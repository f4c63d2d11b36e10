package io.hpdns.query;

import static io.hpdns.wire.DnsConstants.*;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.lookup.Answer;
import io.hpdns.lookup.Lookup;
import io.hpdns.stats.QueryCounters;
import io.hpdns.tsig.TsigCheck;
import io.hpdns.tsig.TsigKeys;
import io.hpdns.wire.QueryReader;
import io.hpdns.wire.ResponseWriter;
import io.hpdns.zone.Authority;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.NegativeAnswer;
import io.hpdns.zone.PrecompiledAnswers;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one DNS query message with one response message, wire format to wire format: checks
 * the header (RFC 1035 §4.1.1), EDNS (RFC 6891), class and type, picks the zone, and copies the
 * zone's precompiled response for the name and type ({@link AnswerCompiler}) when there is one
 * and it fits, or else runs the lookup and writes the response record by record, within the
 * transport's size limit. One instance per I/O thread: it owns
 * scratch state and is not thread-safe. It never throws.
 */
public final class QueryProcessor implements QueryHandler {
    private static final Logger log = LoggerFactory.getLogger(QueryProcessor.class);

    /**
     * Returned by {@link #process} for AXFR and IXFR over TCP when {@link #handOffTransfers} is on:
     * the transport answers them with its zone transfer responder, which may send many messages.
     */
    public static final int TRANSFER = -2;

    /** A response buffer of this size fits any answer, UDP or TCP. */
    public static final int MAX_RESPONSE = 65535;

    /** RFC 8914 §4.21: Extended DNS Error "Not Authoritative". */
    private static final int EDE_NOT_AUTHORITATIVE = 20;
    /** RFC 8914 §4.15: Extended DNS Error "Not Ready", for a zone that has no data to serve. */
    private static final int EDE_NOT_READY = 14;
    private static final int NO_EDE = ResponseWriter.NO_EXTENDED_ERROR;

    /** Shared by every processor: one log line per interval however many threads hit the bug. */
    private static final ThrottledWarning internalErrors =
            new ThrottledWarning(log, "internal error answering a query", Duration.ofSeconds(10));

    private final ServingStateHolder zones;
    private final AnswerSettings settings;
    private final ChaosAnswers chaos;
    private final QueryReader query = new QueryReader();
    private final ResponseWriter writer = new ResponseWriter();
    private final Lookup lookup = new Lookup();
    /** An RRset's records and an owner name, copied out of the zone to be written. */
    private final byte[] records = new byte[MAX_RESPONSE];
    private final byte[] owner = new byte[MAX_NAME_LENGTH];
    private final Answer answer = new Answer();
    private final Nsec3ProofWriter nsec3Proofs = new Nsec3ProofWriter(writer, query, answer);
    private final QueryCounters counters;
    private int tcpKeepalive = ResponseWriter.NO_KEEPALIVE;
    private boolean handOffTransfers;
    private TsigKeys tsigKeys = TsigKeys.NONE;
    /** Room kept free at the end of the response for the TSIG record of a signed answer. */
    private int tsigRoom;
    private final boolean usePrecompiled;
    private long precompiledAnswered;

    public QueryProcessor(ServingStateHolder zones, AnswerSettings settings) {
        this(zones, settings, QueryCounters.unregistered());
    }

    /** @param counters this processor's own counters: written by the thread that calls {@link #process} only */
    public QueryProcessor(ServingStateHolder zones, AnswerSettings settings, QueryCounters counters) {
        this(zones, settings, counters, true);
    }

    /**
     * @param usePrecompiled whether to answer from the zones' {@link PrecompiledAnswers} where they
     *     apply; without, every answer is looked up and written record by record: the reference
     *     path, which the answers are compiled from and compared with
     */
    QueryProcessor(ServingStateHolder zones, AnswerSettings settings, QueryCounters counters, boolean usePrecompiled) {
        this.zones = zones;
        this.settings = settings;
        this.chaos = new ChaosAnswers(settings.identity(), settings.version());
        this.counters = counters;
        this.usePrecompiled = usePrecompiled;
    }

    /**
     * Answers the RFC 7828 edns-tcp-keepalive option over TCP with this TIMEOUT (100 ms units): the
     * TCP transport's idle timeout. Without it, or over UDP (RFC 7828 §3.2.1), the option is ignored.
     */
    public void tcpKeepalive(int timeout) {
        this.tcpKeepalive = timeout;
    }

    /** Makes AXFR and IXFR over TCP return {@link #TRANSFER} instead of REFUSED. */
    public void handOffTransfers(boolean on) {
        this.handOffTransfers = on;
    }

    /**
     * The keys signed queries are verified with (RFC 8945 §5.2). Without keys every signed query is
     * answered BADKEY.
     */
    public void tsigKeys(TsigKeys keys) {
        this.tsigKeys = keys;
    }

    /**
     * Answers the exchange's request into its response buffer.
     *
     * @return the response length, or -1 when the query must be dropped (too short to answer, or a
     *     response itself), or {@link #TRANSFER}
     */
    @Override
    public int answer(Exchange exchange) {
        byte[] request = exchange.request();
        int length = exchange.requestLength();
        byte[] response = exchange.response();
        Protocol protocol = exchange.protocol();
        int responseLength;
        try {
            responseLength = respond(request, length, response, protocol);
        } catch (RuntimeException e) {
            // A bug must cost one answer, never the I/O thread: answer SERVFAIL if we can.
            internalErrors.occurred("answered SERVFAIL to " + exchange.describeClient() + ": " + e, e);
            responseLength = length >= HEADER_SIZE ? bareResponse(request, response, RCODE_SERVFAIL) : -1;
        }
        if (responseLength >= 0) {
            counters.answered(protocol, query.questionRead() ? query.qtype() : -1, response);
        } else if (responseLength != TRANSFER) {
            counters.dropped(protocol);
        }
        return responseLength;
    }

    /**
     * Every UDP response is written within {@link #udpLimit} (its TSIG record included), which is
     * at most the size this server advertises, or 512.
     */
    @Override
    public int maxUdpResponse() {
        return Math.max(CLASSIC_UDP_SIZE, settings.ednsUdpSize());
    }

    /** Hands this processor's counts over for good, when its thread or TCP connection is done. */
    @Override
    public void retire() {
        counters.retire();
    }

    private int respond(byte[] request, int length, byte[] response, Protocol protocol) {
        int status = query.read(request, length);
        if (status == QueryReader.DROP) {
            return -1;
        }
        boolean ok = status == QueryReader.OK;
        boolean edns = ok && query.edns();
        int limit = (protocol == Protocol.TCP ? MAX_RESPONSE : udpLimit(query.edns())) - tsigRoom;
        writer.begin(response, limit);
        if (protocol == Protocol.TCP && query.keepaliveRequested()) {
            writer.keepalive(tcpKeepalive);
        }
        if (query.opcode() != OPCODE_QUERY) {
            // RFC 1035 §4.1.1: NOTIFY, UPDATE and the rest are not implemented here.
            return error(RCODE_NOTIMP, edns);
        }
        if (!ok) {
            // RFC 6891 §7: when the requestor sent a readable OPT, the FORMERR carries one too, so
            // it can tell a format error from a server without EDNS.
            return error(RCODE_FORMERR, query.edns());
        }
        if (handOffTransfers && protocol == Protocol.TCP
                && (query.qtype() == TYPE_AXFR || query.qtype() == TYPE_IXFR)) {
            // Signed or not: the transfer responder checks the TSIG and the access list itself.
            return TRANSFER;
        }
        if (query.tsig()) {
            if (tsigKeys.isEmpty()) {
                // RFC 8945 §5.2: no TSIG key is configured, so any signed query names an unknown key.
                return unknownKey(edns);
            }
            return answerSigned(request, length, response, protocol, edns);
        }
        if (edns && query.ednsVersion() > 0) {
            // RFC 6891 §6.1.3: we speak EDNS version 0 only.
            return error(RCODE_BADVERS, true);
        }
        switch (query.qtype()) {
            case 0:
                // RFC 6895 §3.1: type 0 is reserved and never asked for.
                return error(RCODE_NOTIMP, edns);
            case TYPE_AXFR, TYPE_IXFR:
                // RFC 5936 §4.2: transfers run over TCP only; there, without a transfer responder,
                // they are not offered to anyone.
                return error(protocol == Protocol.UDP ? RCODE_NOTIMP : RCODE_REFUSED, edns);
            default:
                break;
        }
        return switch (query.qclass()) {
            // Class ANY asks for whatever class has the name: here that is IN (RFC 1035 §3.2.5).
            case CLASS_IN, CLASS_ANY -> answerInternet(protocol, edns);
            case CLASS_CH -> answerChaos(edns);
            default -> error(RCODE_REFUSED, edns);
        };
    }

    /** RFC 6891 §6.2.5: the smaller of the two sides' sizes, never below 512; 512 without EDNS. */
    private int udpLimit(boolean edns) {
        if (!edns) {
            return CLASSIC_UDP_SIZE;
        }
        return Math.max(CLASSIC_UDP_SIZE, Math.min(query.ednsUdpSize(), settings.ednsUdpSize()));
    }

    private int answerInternet(Protocol protocol, boolean edns) {
        ServingState state = zones.get();
        Authority authority = findAuthority(state);
        if (!(authority instanceof CompiledZone zone)) {
            // Not authoritative for the name: no referral to the root, just REFUSED (RFC 8906 §3.1.4),
            // saying why with Extended DNS Error 20 (RFC 8914 §4.21). A configured zone that did
            // not load is ours but has nothing to answer with: SERVFAIL, "Not Ready" (§4.15).
            return authority == null ? error(RCODE_REFUSED, edns, EDE_NOT_AUTHORITATIVE)
                    : error(RCODE_SERVFAIL, edns, EDE_NOT_READY);
        }
        byte[] nsid = nsidFor(edns);
        // A signed zone's answers to DO carry its RRSIGs and proofs: compiled apart.
        boolean dnssec = query.dnssecOk() && zone.signed();
        // ANY depends on the transport (RFC 8482 §4.1) and is never compiled.
        if (usePrecompiled && query.qtype() != TYPE_ANY) {
            int length = answerPrecompiled(zone, dnssec, edns, nsid);
            if (length >= 0) {
                return length;
            }
        }
        lookUp(zone, protocol, usePrecompiled && zone.answers() != PrecompiledAnswers.NONE);
        if (answer.referralCut() != CompiledZone.NONE) {
            int length = answerReferral(zone, dnssec, edns, nsid);
            if (length >= 0) {
                return length;
            }
            lookUp(zone, protocol, false);
        }
        if (usePrecompiled && !dnssec && isNegativeOnly(zone)) {
            int length = answerNegative(zone, answer.rcode(), edns, nsid);
            if (length >= 0) {
                return length;
            }
        }
        if (usePrecompiled && dnssec && zone.nsec3() != null
                && nsec3Proofs.write(zone, edns ? writer.optLength(nsid, NO_EDE) : 0)) {
            precompiledAnswered++;
            return finishAnswer(answer.rcode(), true, false, edns, nsid);
        }
        if (!writer.question(query.qnameSource(), HEADER_SIZE, query.qnameLength())) {
            return error(RCODE_SERVFAIL, edns);
        }
        if (edns) {
            writer.reserveOpt(nsid, NO_EDE);
        }
        boolean truncated = !writeSection(zone, Answer.ANSWER) || !writeSection(zone, Answer.AUTHORITY)
                || !writeAdditional(zone);
        return finishAnswer(answer.rcode(), answer.authoritative(), truncated, edns, nsid);
    }

    private int finishAnswer(int rcode, boolean authoritative, boolean truncated, boolean edns, byte[] nsid) {
        if (edns) {
            writer.opt(settings.ednsUdpSize(), rcode >>> 4, query.dnssecOk(), nsid, NO_EDE);
        }
        int flags = baseFlags();
        if (authoritative) {
            flags |= FLAG_AA;
        }
        if (truncated) {
            flags |= FLAG_TC;
        }
        return writer.finish(query.id(), flags, rcode, 1);
    }

    /**
     * The compiled response of the question's node for the question's type, when there is one and
     * it fits whole (with OPT) within the size limit; -1 leaves the query to the lookup and writer.
     * The records were compiled after a question of the node's own name, which the client's
     * question matches but for letter case (RFC 4343), so they follow the client's question as
     * they are.
     */
    private int answerPrecompiled(CompiledZone zone, boolean dnssec, boolean edns, byte[] nsid) {
        long node = zone.node(query.qnameLower(), 0, query.qnameLength());
        if (node == CompiledZone.NONE) {
            return -1;
        }
        PrecompiledAnswers answers = zone.answers();
        int r = answers.find(zone.answersAt(node), query.qtype(), dnssec);
        if (r < 0) {
            return -1;
        }
        if (answers.isNegative(r)) {
            return answerNegative(zone, answers.rcode(r), edns, nsid);
        }
        if (!writer.precompiled(query.qnameSource(), HEADER_SIZE, query.qnameLength(), answers.bytes(),
                answers.recordsAt(r), answers.recordsLength(r), answers.answerCount(r), answers.authorityCount(r),
                answers.additionalCount(r), edns ? writer.optLength(nsid, NO_EDE) : 0)) {
            return -1;
        }
        precompiledAnswered++;
        return finishAnswer(answers.rcode(r), answers.authoritative(r), false, edns, nsid);
    }

    /** Looks the question up in {@code zone} into {@link #answer}. */
    private void lookUp(CompiledZone zone, Protocol protocol, boolean cutsCompiled) {
        lookup.lookup(zone, query.qnameLower(), query.qnameLength(), query.labelStarts(), query.labelCount(),
                query.qtype(), protocol == Protocol.TCP, query.dnssecOk(), cutsCompiled, answer);
    }

    /**
     * The referral of the zone cut above the question ({@link Answer#referralCut}), copied from the
     * cut's compiled answers: below a cut every name is referred to the cut (RFC 1034 §4.3.2 step
     * 3b), with the records compiled after a question of the cut's name, every compression pointer
     * moved along by the longer question. -1 when they are not compiled or do not fit, or when a
     * name server's name may end with the question's label just above the cut: the writer would
     * point it into the question.
     */
    private int answerReferral(CompiledZone zone, boolean dnssec, boolean edns, byte[] nsid) {
        long cut = answer.referralCut();
        PrecompiledAnswers answers = zone.answers();
        int r = answers.otherResponse(zone.answersAt(cut), dnssec);
        if (r < 0 || answers.isNegative(r) || answers.authoritative(r)
                || zone.nameServerUnder(cut, query.qnameLower(), query.labelStarts()[answer.referralCutLabel() - 1])) {
            return -1;
        }
        if (!writer.precompiled(query.qnameSource(), HEADER_SIZE, query.qnameLength(), answers.bytes(),
                answers.recordsAt(r), answers.recordsLength(r), answers.answerCount(r), answers.authorityCount(r),
                answers.additionalCount(r), edns ? writer.optLength(nsid, NO_EDE) : 0)) {
            return -1;
        }
        writer.shiftPointers(query.qnameLength() - zone.ownerLength(cut));
        precompiledAnswered++;
        return finishAnswer(answers.rcode(r), false, false, edns, nsid);
    }

    /** Whether the lookup's answer is the zone's NXDOMAIN or NODATA: its SOA in authority, and nothing else. */
    private boolean isNegativeOnly(CompiledZone zone) {
        return answer.authoritative() && answer.count(Answer.ANSWER) == 0 && answer.count(Answer.ADDITIONAL) == 0
                && answer.count(Answer.AUTHORITY) == 1 && answer.entry(Answer.AUTHORITY, 0).rrset == zone.soa()
                && answer.entry(Answer.AUTHORITY, 0).ttl == zone.negativeTtl();
    }

    /**
     * NXDOMAIN or NODATA from the zone's compiled {@link NegativeAnswer}, moved behind the
     * question; -1 when it does not apply to the name or does not fit.
     */
    private int answerNegative(CompiledZone zone, int rcode, boolean edns, byte[] nsid) {
        NegativeAnswer negative = zone.answers().negative();
        if (negative == null || !negative.appliesTo(query.qnameLower(), query.qnameLength(), query.labelStarts(),
                query.labelCount())) {
            return -1;
        }
        if (!writeNegative(writer, query, negative, edns ? writer.optLength(nsid, NO_EDE) : 0)) {
            return -1;
        }
        precompiledAnswered++;
        return finishAnswer(rcode, true, false, edns, nsid);
    }

    /**
     * Writes the question and the zone's compiled SOA record of a negative answer, moved behind
     * it, when they fit with {@code reserve} octets more; false, writing nothing, otherwise. The
     * negative answer must apply to the question ({@link NegativeAnswer#appliesTo}).
     */
    static boolean writeNegative(ResponseWriter writer, QueryReader query, NegativeAnswer negative, int reserve) {
        MemorySegment soa = negative.records();
        if (!writer.precompiled(query.qnameSource(), HEADER_SIZE, query.qnameLength(), soa, 0, (int) soa.byteSize(),
                0, 1, 0, reserve)) {
            return false;
        }
        int shift = negative.shift(query.qnameLength());
        for (int i = 0; i < negative.pointerCount(); i++) {
            writer.shiftPointer(negative.pointer(i), shift);
        }
        return true;
    }

    /**
     * How many responses came from precompiled answers or, for DO, were written without the name
     * compressor ({@link Nsec3ProofWriter}): for tests that must know the fast path ran.
     */
    long precompiledAnswered() {
        return precompiledAnswered;
    }

    /**
     * DS for a name that is also a zone apex belongs to the parent zone (RFC 4035 §3.1.4.1), so for
     * DS the zone search starts at the parent name when we serve the parent.
     */
    private Authority findAuthority(ServingState state) {
        byte[] qname = query.qnameLower();
        int len = query.qnameLength();
        int[] starts = query.labelStarts();
        int labels = query.labelCount();
        if (query.qtype() == TYPE_DS && labels > 0) {
            Authority parent = state.findAuthority(qname, len, starts, labels, 1);
            if (parent != null) {
                return parent;
            }
        }
        return state.findAuthority(qname, len, starts, labels, 0);
    }

    /**
     * Writes the answer or authority section; false when an RRset, or its signatures, did not fit,
     * which truncates (RFC 4035 §3.1.1: an RRset is written with its RRSIGs or not at all).
     */
    private boolean writeSection(CompiledZone zone, int section) {
        for (int i = 0; i < answer.count(section); i = next(section, i)) {
            if (!writeSigned(zone, section, i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Additional data that does not fit is left out without truncation (RFC 2181 §9), except glue
     * a referral needs (RFC 9471 §3); whatever else fits is still written.
     */
    private boolean writeAdditional(CompiledZone zone) {
        boolean complete = true;
        for (int i = 0; i < answer.count(Answer.ADDITIONAL); i = next(Answer.ADDITIONAL, i)) {
            if (!writeSigned(zone, Answer.ADDITIONAL, i) && answer.entry(Answer.ADDITIONAL, i).required) {
                complete = false;
            }
        }
        return complete;
    }

    /** The entry after entry {@code i} and its signatures. */
    private int next(int section, int i) {
        return i + 1 < answer.count(section) && answer.entry(section, i + 1).signs ? i + 2 : i + 1;
    }

    /** Writes entry {@code i} and its signatures when they follow it, both or neither. */
    private boolean writeSigned(CompiledZone zone, int section, int i) {
        Answer.Entry e = answer.entry(section, i);
        long mark = writer.mark();
        if (!write(zone, section, e)) {
            return false;
        }
        if (next(section, i) == i + 2 && !write(zone, section, answer.entry(section, i + 1))) {
            writer.rewind(mark, section, e.rrset == CompiledZone.NONE ? 1 : zone.size(e.rrset));
            return false;
        }
        return true;
    }

    /** Writes one entry; a zone's owner name and records are copied out of its layout first. */
    private boolean write(CompiledZone zone, int section, Answer.Entry e) {
        byte[] ownerName = e.owner;
        int ownerOff = e.ownerOff;
        if (e.ownerNode != CompiledZone.NONE) {
            zone.copyOwner(e.ownerNode, owner, 0);
            ownerName = owner;
            ownerOff = 0;
        }
        if (e.rrset == CompiledZone.NONE) {
            return writer.record(section, ownerName, ownerOff, e.type, CLASS_IN, e.ttl, e.rdata, e.rdataOff, e.rdataLen);
        }
        if (zone.recordsLength(e.rrset) > records.length) {
            return false; // more than any message holds: it does not fit, as the writer would find
        }
        zone.copyRecords(e.rrset, records, 0);
        return writer.rrset(section, ownerName, ownerOff, e.type, CLASS_IN, e.ttl, records, zone.size(e.rrset));
    }

    private int answerChaos(boolean edns) {
        int qtype = query.qtype();
        byte[] txt = chaos.find(query.qnameLower());
        if (txt == null || qtype != TYPE_TXT) {
            return error(RCODE_REFUSED, edns);
        }
        writer.question(query.qnameSource(), HEADER_SIZE, query.qnameLength());
        byte[] nsid = nsidFor(edns);
        if (edns) {
            writer.reserveOpt(nsid, NO_EDE);
        }
        boolean fits = writer.rrset(ResponseWriter.ANSWER, null, ResponseWriter.OWNER_QNAME, TYPE_TXT, CLASS_CH, ChaosAnswers.TTL, txt, 1);
        if (edns) {
            writer.opt(settings.ednsUdpSize(), 0, query.dnssecOk(), nsid, NO_EDE);
        }
        // Not AA: these names are no zone's data (Knot DNS answers them the same way).
        int flags = baseFlags() | (fits ? 0 : FLAG_TC);
        return writer.finish(query.id(), flags, RCODE_NOERROR, 1);
    }

    private int error(int rcode, boolean edns) {
        return error(rcode, edns, NO_EDE);
    }

    /** A response without records: the question when it could be read, and OPT when EDNS is in use. */
    private int error(int rcode, boolean edns, int extendedError) {
        int qdcount = 0;
        if (query.questionRead() && writer.question(query.qnameSource(), HEADER_SIZE, query.qnameLength())) {
            qdcount = 1;
        }
        if (edns) {
            writer.opt(settings.ednsUdpSize(), rcode >>> 4, query.dnssecOk(), nsidFor(true), extendedError);
        }
        return writer.finish(query.id(), baseFlags(), rcode, qdcount);
    }

    /**
     * A signed query, the cold path (RFC 8945 §5.2): verified with dnsjava, then answered like the
     * same query unsigned, leaving room for the TSIG record that signs the response as written
     * (RFC 8945 §5.3). A bad signature or time gets NOTAUTH and the TSIG error.
     */
    private int answerSigned(byte[] request, int length, byte[] response, Protocol protocol, boolean edns) {
        int unsignedLength = query.tsigRecordStart();
        TsigCheck check;
        try {
            check = TsigCheck.verify(Arrays.copyOf(request, length), tsigKeys);
        } catch (IOException e) {
            // Our reader accepted what dnsjava cannot parse: answer as to any malformed message.
            return error(RCODE_FORMERR, edns);
        }
        if (check.key() == null) {
            return unknownKey(edns);
        }
        if (!check.verified()) {
            return signedError(check, response);
        }
        // RFC 8945 §4.3.1: the message without its TSIG record, ARCOUNT one less, is what was signed.
        byte[] unsigned = Arrays.copyOf(request, unsignedLength);
        int arcount = (((unsigned[10] & 0xff) << 8) | (unsigned[11] & 0xff)) - 1;
        unsigned[10] = (byte) (arcount >>> 8);
        unsigned[11] = (byte) arcount;
        int answered;
        tsigRoom = check.key().recordRoom();
        try {
            answered = respond(unsigned, unsignedLength, response, protocol);
        } finally {
            tsigRoom = 0;
        }
        if (answered < HEADER_SIZE) {
            return answered;
        }
        byte[] signature = check.signRendered(response, answered);
        System.arraycopy(signature, 0, response, answered, signature.length);
        int signedArcount = (((response[10] & 0xff) << 8) | (response[11] & 0xff)) + 1;
        response[10] = (byte) (signedArcount >>> 8);
        response[11] = (byte) signedArcount;
        return answered + signature.length;
    }

    /** NOTAUTH with the question and the TSIG error record (RFC 8945 §5.3.2), built with dnsjava. */
    private static int signedError(TsigCheck check, byte[] response) {
        Message request = check.request();
        Message reply = new Message(request.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setOpcode(request.getHeader().getOpcode());
        reply.getHeader().setRcode(Rcode.NOTAUTH);
        if (request.getQuestion() != null) {
            reply.addRecord(request.getQuestion(), Section.QUESTION);
        }
        check.addErrorRecord(reply);
        byte[] wire = reply.toWire();
        System.arraycopy(wire, 0, response, 0, wire.length);
        return wire.length;
    }

    /** NOTAUTH with an unsigned TSIG record carrying BADKEY (RFC 8945 §5.2.1). */
    private int unknownKey(boolean edns) {
        writer.question(query.qnameSource(), HEADER_SIZE, query.qnameLength());
        if (edns) {
            writer.opt(settings.ednsUdpSize(), 0, query.dnssecOk(), nsidFor(true), NO_EDE);
        }
        writer.tsigError(query.tsigKeyName(), query.tsigKeyLength(), query.qnameSource(), query.tsigAlgorithm(),
                query.tsigAlgorithmLength(), query.tsigTimeSigned(), query.tsigOriginalId(), TSIG_BADKEY);
        return writer.finish(query.id(), baseFlags(), RCODE_NOTAUTH, 1);
    }

    /** QR set, opcode echoed, RD and CD copied (RFC 1035 §4.1.1, RFC 4035 §3.2.2); RA clear. */
    private int baseFlags() {
        return FLAG_QR | (query.flags() & (OPCODE_MASK | FLAG_RD | FLAG_CD));
    }

    /** RFC 5001 §2.1: NSID only to queries that carry the NSID option. */
    private byte[] nsidFor(boolean edns) {
        return edns && query.nsidRequested() ? settings.nsid() : null;
    }

    /** A header-only response for when nothing else can be trusted. */
    private static int bareResponse(byte[] request, byte[] response, int rcode) {
        response[0] = request[0];
        response[1] = request[1];
        int flags = ((request[2] & 0xff) << 8 | (request[3] & 0xff));
        flags = FLAG_QR | (flags & (OPCODE_MASK | FLAG_RD | FLAG_CD)) | rcode;
        response[2] = (byte) (flags >>> 8);
        response[3] = (byte) flags;
        for (int i = 4; i < HEADER_SIZE; i++) {
            response[i] = 0;
        }
        return HEADER_SIZE;
    }
}
