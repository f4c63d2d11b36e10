package io.hpdns.zone;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * One loaded, validated zone, immutable, as the loader builds it: its nodes keyed by lowercased
 * owner name and the apex SOA. It is served once compiled ({@link CompiledZone}); a check of a
 * zone file goes no further.
 */
public final class Zone {
    private final Name origin;
    private final byte[] originKey;
    private final int originLabels;
    private final Node apex;
    private final RRset soa;
    private final long serial;
    private final long negativeTtl;
    private final OwnerTable nodes;
    private final int recordCount;

    Zone(Name origin, OwnerTable nodes, Node apex, int recordCount) {
        this.origin = origin;
        this.originKey = NameTable.key(origin.toWire());
        this.originLabels = origin.labels() - 1;
        this.nodes = nodes;
        this.apex = apex;
        this.soa = apex.rrset(org.xbill.DNS.Type.SOA);
        byte[] soaRdata = soa.data();
        int fixed = soaFixedFields(soa);
        this.serial = u32(soaRdata, fixed);
        long minimum = u32(soaRdata, fixed + 16);
        // RFC 2308 §3: the TTL of the SOA in a negative answer is min(SOA TTL, SOA MINIMUM).
        this.negativeTtl = Math.min(soa.ttl(), minimum);
        this.recordCount = recordCount;
    }


    /** The serial of an SOA RRset (RFC 1035 §3.3.13). */
    static long serialOf(RRset soa) {
        return u32(soa.data(), soaFixedFields(soa));
    }

    /** Where the five 32-bit fields of an SOA RRset's record start: after its two names. */
    private static int soaFixedFields(RRset soa) {
        return RRset.FIRST_RDATA + RRset.rdataLength(soa.data(), 0) - 20;
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    public Name origin() { return origin; }

    /** The origin, lowercased, in wire format. */
    byte[] originKey() { return originKey; }

    /** Labels of the origin, root excluded. */
    public int originLabels() { return originLabels; }

    public long serial() { return serial; }

    public Node apex() { return apex; }

    public RRset soa() { return soa; }

    /** TTL for the SOA in NXDOMAIN and NODATA answers (RFC 2308 §3). */
    public long negativeTtl() { return negativeTtl; }

    /** The node owning the lowercased wire name {@code buf[off..off+len)}, or null. */
    public Node node(byte[] buf, int off, int len) {
        return nodes.find(buf, off);
    }

    /**
     * Every node of the zone, empty non-terminals included, in no particular order: what a zone
     * transfer walks (RFC 5936). Cold path: it makes a new read-only list on every call.
     */
    public java.util.List<Node> nodes() {
        return nodes.nodes();
    }

    /** Number of nodes, empty non-terminals included: {@link #nodes()}'s size, without making the list. */
    public int nodeCount() { return nodes.size(); }

    /** Number of records after duplicates were collapsed. */
    public int recordCount() { return recordCount; }
}
