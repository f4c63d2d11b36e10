package io.hpdns.zone;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A zone's common responses as wire bytes, compiled once at load time so that the query path
 * copies them instead of looking up and compressing record by record (DESIGN §2). For a node: the
 * response to some query types of their own, and one response for every other type. A response
 * is kept as the records that follow its question (answer, authority and additional sections,
 * compressed against a question of the node's own name) and the header fields that go with them:
 * the AA bit, the RCODE and the section counts. One that is the zone's NODATA or NXDOMAIN refers
 * to the zone's {@link NegativeAnswer} instead of holding the SOA again.
 *
 * <p>Layout, one run of octets per zone (a section of its {@link CompiledZone}) so that a million
 * names cost a million small byte runs and no objects: a node's answers at {@link CompiledZone#answersAt} are the number of typed responses (one
 * octet), the response for every other type, then each typed response after its type (two
 * octets). A response is a kind octet ({@code COMPILED}, {@code AUTHORITATIVE}, {@code NEGATIVE}
 * and the RCODE in the low four bits) followed, when compiled and not negative, by ANCOUNT,
 * NSCOUNT, ARCOUNT and the length of the records (two octets each) and the records. A response
 * that is not compiled leaves its query types to the writer.
 *
 * <p>In a signed zone a node's answers are two such blocks: the responses without DNSSEC records,
 * then those to a client that set DO, with RRSIGs and denial proofs (RFC 4035 §3.1). Four octets
 * before the first block give the offset of the second from the first, so that a query with DO
 * reads one offset instead of walking the first block's responses.
 */
public final class PrecompiledAnswers {
    /** For {@link CompiledZone#answersAt}: nothing compiled for the node. */
    public static final int NOT_COMPILED = -1;

    /** A zone's answers before they are compiled: every query goes through the writer. */
    public static final PrecompiledAnswers NONE = new PrecompiledAnswers(MemorySegment.ofArray(new byte[0]), null, false);

    private static final int AUTHORITATIVE = 0x80;
    private static final int COMPILED = 0x40;
    private static final int NEGATIVE = 0x20;
    private static final int RCODE = 0x0F;
    /** The kind octet and four 16-bit fields. */
    private static final int FIELDS = 9;
    /** In a signed zone, before a node's first block: the offset of its block for DO (u32). */
    private static final int DNSSEC_BLOCK = 4;
    private static final int MAX_TYPED = 255;

    private final MemorySegment bytes;
    private final NegativeAnswer negative;
    /** Whether each node has a second block, for DO. */
    private final boolean signed;

    /** Answers laid out by a {@link Builder}, as {@link CompiledZone} holds them. */
    PrecompiledAnswers(MemorySegment bytes, NegativeAnswer negative, boolean signed) {
        this.bytes = bytes;
        this.negative = negative;
        this.signed = signed;
    }

    /**
     * The response for {@code qtype} among a node's answers at {@code at}, or -1 when the writer
     * must answer it.
     *
     * @param dnssecOk the response to a client that set DO, in a signed zone
     */
    public int find(int at, int qtype, boolean dnssecOk) {
        if (at < 0) {
            return -1;
        }
        if (dnssecOk) {
            at += dnssecBlock(at);
        }
        int typed = octet(at);
        int other = at + 1;
        int p = after(other);
        for (int i = 0; i < typed; i++) {
            if (u16(p) == qtype) {
                return (octet(p + 2) & COMPILED) != 0 ? p + 2 : -1;
            }
            p = after(p + 2);
        }
        return (octet(other) & COMPILED) != 0 ? other : -1;
    }

    /**
     * The response to every type without one of its own among a node's answers at {@code at}, or
     * -1 when the writer must answer it.
     */
    public int otherResponse(int at, boolean dnssecOk) {
        if (at < 0) {
            return -1;
        }
        int other = (dnssecOk ? at + dnssecBlock(at) : at) + 1;
        return (octet(other) & COMPILED) != 0 ? other : -1;
    }

    /**
     * Whether the node's answers at {@code at} give every type without a response of its own the
     * zone's NODATA: the node exists, and no CNAME, DNAME or zone cut at it or above it redirects
     * its queries.
     */
    public boolean otherTypesNodata(int at) {
        int other = at + 1;
        return (octet(other) & COMPILED) != 0 && isNegative(other) && rcode(other) == 0;
    }

    /** Octets of the node's answers at {@code at}: in a signed zone, both blocks and the offset before them. */
    public int length(int at) {
        if (!signed) {
            return blockLength(at);
        }
        int dnssecBlock = dnssecBlock(at);
        return DNSSEC_BLOCK + dnssecBlock + blockLength(at + dnssecBlock);
    }

    /** In a signed zone, where the node's block for DO starts, from its first block at {@code at}. */
    private int dnssecBlock(int at) {
        return bytes.get(CompiledZone.U32, at - DNSSEC_BLOCK);
    }

    /** Octets of the block of responses at {@code at}. */
    private int blockLength(int at) {
        int p = after(at + 1);
        for (int i = octet(at); i > 0; i--) {
            p = after(p + 2);
        }
        return p - at;
    }

    /**
     * How many responses the node's answers at {@code at} hold without DNSSEC records: the one for
     * every other type and each typed one; {@link #firstResponse} and {@link #nextResponse} walk
     * them. Cold path.
     */
    public int responseCount(int at) {
        return 1 + octet(at);
    }

    /** The first of the node's responses at {@code at}: the one for every other type. */
    public int firstResponse(int at) {
        return at + 1;
    }

    /** The node's response after {@code response}, past the type it answers. */
    public int nextResponse(int response) {
        return after(response) + 2;
    }

    /** Whether the response holds records of its own: compiled, and not the zone's negative answer. */
    public boolean hasRecords(int response) {
        int kind = octet(response);
        return (kind & COMPILED) != 0 && (kind & NEGATIVE) == 0;
    }

    private int after(int response) {
        int kind = octet(response);
        if ((kind & COMPILED) == 0 || (kind & NEGATIVE) != 0) {
            return response + 1;
        }
        return response + FIELDS + u16(response + 7);
    }

    /** Whether the response is the zone's {@link #negative()} answer, with {@link #rcode}. */
    public boolean isNegative(int response) { return (octet(response) & NEGATIVE) != 0; }

    public boolean authoritative(int response) { return (octet(response) & AUTHORITATIVE) != 0; }

    public int rcode(int response) { return octet(response) & RCODE; }

    public int answerCount(int response) { return u16(response + 1); }

    public int authorityCount(int response) { return u16(response + 3); }

    public int additionalCount(int response) { return u16(response + 5); }

    /** Offset in {@link #bytes()} of the response's records. */
    public int recordsAt(int response) { return response + FIELDS; }

    public int recordsLength(int response) { return u16(response + 7); }

    /** Every node's responses; read only. */
    public MemorySegment bytes() { return bytes; }

    /** The records of the zone's NXDOMAIN and NODATA responses, or null when they are not compiled. */
    public NegativeAnswer negative() { return negative; }

    private int octet(int p) {
        return bytes.get(JAVA_BYTE, p) & 0xff;
    }

    private int u16(int p) {
        return bytes.get(CompiledZone.U16, p) & 0xFFFF;
    }

    /**
     * One compiled response, as {@link Builder} takes it: the header fields and the records after
     * the question, or the zone's negative answer with an RCODE, or "not compiled".
     */
    public record Response(boolean authoritative, int rcode, boolean negative, int answerCount, int authorityCount,
                           int additionalCount, byte[] records) {

        /** Leaves the query types it stands for to the writer. */
        public static final Response NOT_COMPILED = new Response(false, 0, false, 0, 0, 0, null);

        public Response {
            if (records != null && records.length > 0xFFFF) {
                throw new IllegalArgumentException("compiled records of " + records.length + " octets, at most 65535");
            }
        }

        /** The zone's NXDOMAIN or NODATA: its {@link NegativeAnswer}, authoritative. */
        public static Response negative(int rcode) {
            return new Response(true, rcode, true, 0, 0, 0, null);
        }

        public boolean compiled() {
            return this != NOT_COMPILED;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && authoritative == r.authoritative && rcode == r.rcode
                    && negative == r.negative && answerCount == r.answerCount && authorityCount == r.authorityCount
                    && additionalCount == r.additionalCount && Arrays.equals(records, r.records);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(records) * 31 + rcode;
        }
    }

    /** Lays out the responses of one zone, node by node. Cold path. */
    public static final class Builder {
        private static final Response NODATA = Response.negative(0);
        /** Java's largest array, about. */
        private static final int MAX_SIZE = Integer.MAX_VALUE - 16;

        private byte[] bytes = new byte[1 << 16];
        private int size;
        private final boolean signed;
        /** In a signed zone, where the node {@link #add} added last starts; its DO block comes next. */
        private int lastAdded = NOT_COMPILED;
        /**
         * Shared by every node whose every answer is the zone's NODATA: the empty non-terminals of
         * a zone that is not signed (in a signed one, each proves its own); else {@link #NOT_COMPILED}.
         */
        private final int allNodata;

        /** The answers of a zone that is not signed. */
        public Builder() {
            this(false);
        }

        /** @param signed whether each node's answers are followed by those for DO ({@link #addForDnssec}) */
        public Builder(boolean signed) {
            this.signed = signed;
            if (signed) {
                allNodata = NOT_COMPILED;
            } else {
                allNodata = size;
                put(0);
                write(NODATA);
            }
        }

        /**
         * Adds one node's answers and returns where they start, or {@link #NOT_COMPILED} when they
         * cannot be laid out (too many types, or the zone's answers reached 2 GB).
         *
         * @param other the response to every type not in {@code types}
         * @param types the query types with a response of their own in {@code responses}
         */
        public int add(Response other, int[] types, Response[] responses, int count) {
            if (count == 0 && other.equals(NODATA) && allNodata != NOT_COMPILED) {
                return allNodata;
            }
            long length = (signed ? DNSSEC_BLOCK : 0) + blockLength(other, responses, count);
            if (count > MAX_TYPED || size + length > MAX_SIZE) {
                return NOT_COMPILED;
            }
            if (signed) {
                room(DNSSEC_BLOCK);
                size += DNSSEC_BLOCK;
                lastAdded = size;
            }
            return block(other, types, responses, count);
        }

        private static long blockLength(Response other, Response[] responses, int count) {
            long length = 1 + length(other);
            for (int i = 0; i < count; i++) {
                length += 2 + length(responses[i]);
            }
            return length;
        }

        private int block(Response other, int[] types, Response[] responses, int count) {
            int at = size;
            put(count);
            write(other);
            for (int i = 0; i < count; i++) {
                put(types[i] >>> 8);
                put(types[i]);
                write(responses[i]);
            }
            return at;
        }

        /**
         * In a signed zone, adds the answers to a client that set DO of the node whose answers
         * {@link #add} just added, compiled: right after them. When they cannot be laid out, the
         * node answers DO from the writer.
         */
        public void addForDnssec(Response other, int[] types, Response[] responses, int count) {
            if (!signed || lastAdded == NOT_COMPILED) {
                throw new IllegalStateException("no node of a signed zone added to follow");
            }
            int offset = size - lastAdded;
            bytes[lastAdded - 4] = (byte) (offset >>> 24);
            bytes[lastAdded - 3] = (byte) (offset >>> 16);
            bytes[lastAdded - 2] = (byte) (offset >>> 8);
            bytes[lastAdded - 1] = (byte) offset;
            lastAdded = NOT_COMPILED;
            if (count > MAX_TYPED || size + blockLength(other, responses, count) > MAX_SIZE) {
                put(0);
                write(Response.NOT_COMPILED);
            } else {
                block(other, types, responses, count);
            }
        }

        /**
         * Adds a node's answers as {@code from}, another zone's, holds them at {@code at},
         * unchanged; returns where they start.
         */
        public int copy(PrecompiledAnswers from, int at) {
            if (from.signed != signed) {
                return NOT_COMPILED;
            }
            if (!signed && from.octet(at) == 0 && from.otherTypesNodata(at)) {
                return allNodata;
            }
            int before = signed ? DNSSEC_BLOCK : 0;
            int length = from.length(at);
            if (size + (long) length > MAX_SIZE) {
                return NOT_COMPILED;
            }
            room(length);
            MemorySegment.copy(from.bytes, JAVA_BYTE, at - before, bytes, size, length);
            size += length;
            return size - length + before;
        }

        private static int length(Response r) {
            return !r.compiled() || r.negative() ? 1 : FIELDS + r.records().length;
        }

        private void write(Response r) {
            int kind = r.compiled() ? COMPILED : 0;
            if (r.authoritative()) {
                kind |= AUTHORITATIVE;
            }
            if (r.negative()) {
                kind |= NEGATIVE;
            }
            put(kind | (r.rcode() & RCODE));
            if (length(r) == 1) {
                return;
            }
            int[] fields = {r.answerCount(), r.authorityCount(), r.additionalCount(), r.records().length};
            for (int f : fields) {
                put(f >>> 8);
                put(f);
            }
            room(r.records().length);
            System.arraycopy(r.records(), 0, bytes, size, r.records().length);
            size += r.records().length;
        }

        private void put(int octet) {
            room(1);
            bytes[size++] = (byte) octet;
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_SIZE, Math.max((long) size + more, bytes.length * 2L)));
            }
        }

        /** The layout's octets. */
        public int length() {
            return size;
        }

        /** The layout's octets, read only, not copied: valid until more is added. */
        public ByteBuffer contents() {
            return ByteBuffer.wrap(bytes, 0, size).asReadOnlyBuffer();
        }

        /** The most octets the answers of a zone may take: their offsets are 32-bit. */
        public static long maxSize() {
            return MAX_SIZE;
        }
    }
}
