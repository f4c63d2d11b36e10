package io.hpdns.zone;

import io.hpdns.wire.DnsConstants;

/**
 * The records of one owner, class IN and type (RFC 2181 §5), or the RRSIGs of one owner that cover
 * one type (RFC 4034 §3): one TTL, and every record's rdata
 * pre-encoded in uncompressed wire format in one array, each prefixed by its 16-bit length (the
 * RDLENGTH it will be written with). One object and one array per RRset, none per record, so a
 * large zone stays small and answering only copies bytes.
 */
public final class RRset {
    private final int type;
    private final long ttl;
    private final int size;
    private final byte[] data;

    RRset(int type, long ttl, int size, byte[] data) {
        this.type = type;
        this.ttl = ttl;
        this.size = size;
        this.data = data;
    }

    public int type() { return type; }

    /**
     * For RRSIG, the type its signatures cover: a zone holds one RRSIG RRset per covered type, with
     * its own TTL (RFC 4034 §3: the signatures of an RRset have that RRset's TTL); 0 for any other type.
     */
    public int covered() { return type == DnsConstants.TYPE_RRSIG ? coveredBy(data, 0) : 0; }

    /** The type covered by the RRSIG record whose length prefix is at {@code prefixAt}; 0 when its rdata is shorter. */
    public static int coveredBy(byte[] data, int prefixAt) {
        return rdataLength(data, prefixAt) < 2 ? 0 : ((data[prefixAt + 2] & 0xff) << 8) | (data[prefixAt + 3] & 0xff);
    }

    /**
     * The order of a node's RRsets: by type, and RRSIG RRsets by the type they cover. Distinct for
     * every RRset of a node.
     */
    public static long order(int type, int covered) {
        return (long) type << 16 | covered;
    }

    public long ttl() { return ttl; }

    /** Number of records. */
    public int size() { return size; }

    /**
     * The records: {@code size()} times a 16-bit length followed by that many octets of rdata.
     * Callers must not modify it.
     */
    public byte[] data() { return data; }

    /** Offset in {@link #data()} of the first record's rdata (after its length). */
    public static final int FIRST_RDATA = 2;

    /** Length of the rdata whose length prefix is at {@code prefixAt}. */
    public static int rdataLength(byte[] data, int prefixAt) {
        return ((data[prefixAt] & 0xff) << 8) | (data[prefixAt + 1] & 0xff);
    }
}
