package io.hpdns.zone;

/**
 * The records of one owner, class IN and type (RFC 2181 §5): one TTL, and each record's rdata
 * pre-encoded in uncompressed wire format so answering only copies bytes.
 */
public final class RRset {
    private final int type;
    private final long ttl;
    private final byte[][] rdata;

    RRset(int type, long ttl, byte[][] rdata) {
        this.type = type;
        this.ttl = ttl;
        this.rdata = rdata;
    }

    public int type() { return type; }

    public long ttl() { return ttl; }

    /** The rdata of each record; callers must not modify the arrays. */
    public byte[][] rdata() { return rdata; }

    public int size() { return rdata.length; }
}
