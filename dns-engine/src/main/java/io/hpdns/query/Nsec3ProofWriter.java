package io.hpdns.query;

import static io.hpdns.wire.DnsConstants.HEADER_SIZE;
import static io.hpdns.wire.DnsConstants.TYPE_NSEC3;

import io.hpdns.lookup.Answer;
import io.hpdns.wire.QueryReader;
import io.hpdns.wire.ResponseWriter;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.NegativeAnswer;
import io.hpdns.zone.Nsec3Hash;
import java.lang.foreign.MemorySegment;

/**
 * Writes the lookup's answers to a client that set DO in an NSEC3 zone whose authority section
 * ends with denial proofs, without the name compressor: the NXDOMAIN and NODATA the answers
 * compiled per node do not hold (the zone's SOA and its RRSIGs, then NSEC3 RRsets with theirs;
 * RFC 5155 §7.2.2, §7.2.5) and answers synthesized from a wildcard (an RRset owned by the
 * question and its RRSIGs, then the NSEC3 covering the next closer name, §7.2.6).
 *
 * <p>Every NSEC3 of the chain is owned by a hashed owner name, one label of 32 octets under the
 * origin (RFC 5155 §3), and neither NSEC3 nor RRSIG rdata hold a name to compress (RFC 3597 §4).
 * The name compressor would write such an RRset's first owner as its label and a pointer to the
 * origin in the question, the first name of the message that equals the origin, and every later
 * owner as a pointer to that first one; the records of these answers are written so directly,
 * octet for octet what the compressor gives, without searching the message for suffixes (a third
 * of such an answer's time, docs/performance.md). That holds while no name before a proof ends
 * with a hashed owner name: the question's label just above the origin is not of 32 octets, the
 * SOA's names have no such label ({@link NegativeAnswer#namesHashedOwnerShape}), and the records
 * of a synthesized answer hold no names. Any other answer is left to the writer.
 *
 * <p>One instance per {@link QueryProcessor}; allocation-free.
 */
final class Nsec3ProofWriter {
    private final ResponseWriter writer;
    private final QueryReader query;
    private final Answer answer;

    Nsec3ProofWriter(ResponseWriter writer, QueryReader query, Answer answer) {
        this.writer = writer;
        this.query = query;
        this.answer = answer;
    }

    /**
     * Writes the lookup's answer from {@code zone}, an NSEC3 zone, after the question, when it is
     * one of those above and fits whole with {@code optLength} octets more; false, writing nothing,
     * otherwise.
     */
    boolean write(CompiledZone zone, int optLength) {
        if (!answer.authoritative() || answer.count(Answer.ADDITIONAL) != 0 || questionEndsWithHashedOwner(zone)) {
            return false;
        }
        boolean negative = answer.count(Answer.ANSWER) == 0;
        int proofsFrom = negative ? negativeRecords(zone) : 0;
        if (proofsFrom < 0) {
            return false;
        }
        int before = negative ? signedNegativeLength(zone, proofsFrom) : synthesizedLength(zone);
        int proofs = proofsLength(zone, proofsFrom);
        if (before < 0 || proofs < 0) {
            return false;
        }
        int originAt = HEADER_SIZE + query.qnameLength() - zone.originLength();
        if (negative) {
            NegativeAnswer soa = zone.answers().negative();
            if (!QueryProcessor.writeNegative(writer, query, soa, before - soaLength(soa) + proofs + optLength)) {
                return false;
            }
            writeRRsets(zone, Answer.AUTHORITY, 1, proofsFrom, originAt);
        } else {
            if (!writer.fits(query.qnameLength() + 4 + before + proofs + optLength)
                    || !writer.question(query.qnameSource(), HEADER_SIZE, query.qnameLength())) {
                return false;
            }
            writeRRsets(zone, Answer.ANSWER, 0, answer.count(Answer.ANSWER), HEADER_SIZE);
        }
        writeProofs(zone, proofsFrom, originAt);
        return true;
    }

    /**
     * RFC 5155 §3: an owner name of the question's shape, a label of 32 octets just above the
     * origin, would be pointed at by a proof of the same owner.
     */
    private boolean questionEndsWithHashedOwner(CompiledZone zone) {
        int above = query.labelCount() - zone.originLabels() - 1;
        return above >= 0 && query.qnameLower()[query.labelStarts()[above]] == Nsec3Hash.LABEL - 1;
    }

    /**
     * For the zone's NXDOMAIN or NODATA, how many authority entries the SOA and its RRSIGs take
     * (where the proofs start); -1 when the answer is not one, or its SOA is not compiled for the
     * question.
     */
    private int negativeRecords(CompiledZone zone) {
        if (answer.count(Answer.AUTHORITY) == 0) {
            return -1;
        }
        Answer.Entry soa = answer.entry(Answer.AUTHORITY, 0);
        NegativeAnswer compiled = zone.answers().negative();
        if (soa.rrset != zone.soa() || soa.ttl != zone.negativeTtl() || compiled == null
                || compiled.namesHashedOwnerShape() || !compiled.appliesTo(query.qnameLower(), query.qnameLength(),
                        query.labelStarts(), query.labelCount())) {
            return -1;
        }
        return signs(Answer.AUTHORITY, 1) ? 2 : 1;
    }

    /** Octets of the SOA record as compiled and its RRSIGs, the first {@code count} authority entries. */
    private int signedNegativeLength(CompiledZone zone, int count) {
        int length = soaLength(zone.answers().negative());
        return count == 2 ? length + pointedLength(zone, answer.entry(Answer.AUTHORITY, 1)) : length;
    }

    private static int soaLength(NegativeAnswer soa) {
        return (int) soa.records().byteSize();
    }

    /**
     * For an answer owned by the question, octets of its records: one zone RRset whose rdata hold
     * no names, and its RRSIGs; -1 when the answer is anything else.
     */
    private int synthesizedLength(CompiledZone zone) {
        int count = answer.count(Answer.ANSWER);
        Answer.Entry rrset = answer.entry(Answer.ANSWER, 0);
        if (count > 2 || count == 2 && !signs(Answer.ANSWER, 1) || rrset.ownerOff != ResponseWriter.OWNER_QNAME
                || rrset.ownerNode != CompiledZone.NONE || rrset.rrset == CompiledZone.NONE
                || ResponseWriter.compressesRdata(rrset.type)) {
            return -1;
        }
        int length = pointedLength(zone, rrset);
        return count == 2 ? length + pointedLength(zone, answer.entry(Answer.ANSWER, 1)) : length;
    }

    /**
     * Octets of the authority entries from {@code from} on when each is an NSEC3 RRset at a hashed
     * owner name, optionally followed by its RRSIGs; else -1.
     */
    private int proofsLength(CompiledZone zone, int from) {
        int length = 0;
        int hashedOwner = Nsec3Hash.LABEL + zone.originLength();
        for (int i = from; i < answer.count(Answer.AUTHORITY); i++) {
            Answer.Entry e = answer.entry(Answer.AUTHORITY, i);
            if (e.signs) {
                length += pointedLength(zone, e);
            } else if (e.type == TYPE_NSEC3 && e.ownerNode != CompiledZone.NONE && e.rrset != CompiledZone.NONE
                    && zone.ownerLength(e.ownerNode) == hashedOwner) {
                length += Nsec3Hash.LABEL + pointedLength(zone, e);
            } else {
                return -1;
            }
        }
        return length;
    }

    private boolean signs(int section, int i) {
        return i < answer.count(section) && answer.entry(section, i).signs;
    }

    private static int pointedLength(CompiledZone zone, Answer.Entry e) {
        return ResponseWriter.pointedRRsetLength(zone.size(e.rrset), zone.recordsLength(e.rrset));
    }

    /** Writes entries {@code [from, to)} of the section, each owned by the name at {@code ownerAt}. */
    private void writeRRsets(CompiledZone zone, int section, int from, int to, int ownerAt) {
        for (int i = from; i < to; i++) {
            Answer.Entry e = answer.entry(section, i);
            if (!writer.rrsetAt(section, ownerAt, e.type, e.ttl, zone.layout(), zone.records(e.rrset),
                    zone.size(e.rrset), zone.recordsLength(e.rrset))) {
                throw unmeasured();
            }
        }
    }

    /** Writes the NSEC3 RRsets from authority entry {@code from} on, each with its RRSIGs. */
    private void writeProofs(CompiledZone zone, int from, int originAt) {
        MemorySegment layout = zone.layout();
        int ownerAt = -1;
        for (int i = from; i < answer.count(Answer.AUTHORITY); i++) {
            Answer.Entry e = answer.entry(Answer.AUTHORITY, i);
            if (e.signs) {
                writeRRsets(zone, Answer.AUTHORITY, i, i + 1, ownerAt);
            } else {
                ownerAt = writer.rrsetUnder(Answer.AUTHORITY, layout, zone.owner(e.ownerNode), originAt,
                        zone.originLength(), e.type, e.ttl, zone.records(e.rrset), zone.size(e.rrset),
                        zone.recordsLength(e.rrset));
                if (ownerAt < 0) {
                    throw unmeasured();
                }
            }
        }
    }

    /** A write that failed, which cannot be: the whole answer was measured to fit before it was begun. */
    private static IllegalStateException unmeasured() {
        return new IllegalStateException("an answer measured to fit did not");
    }
}
