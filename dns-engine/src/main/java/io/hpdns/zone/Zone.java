package io.hpdns.zone;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * One loaded, validated zone, immutable: its nodes keyed by lowercased owner name, the apex SOA
 * and the values derived from it once at load time, and, once compiled, its common answers as wire
 * bytes ({@link PrecompiledAnswers}).
 */
public final class Zone implements Authority {
    private final Name origin;
    private final byte[] originKey;
    private final int originLabels;
    private final Node apex;
    private final RRset soa;
    private final long serial;
    private final long negativeTtl;
    private final NameTable<Node> nodes;
    private final int recordCount;
    private final PrecompiledAnswers answers;

    Zone(Name origin, NameTable<Node> nodes, Node apex, int recordCount) {
        this(origin, nodes, apex, recordCount, PrecompiledAnswers.NONE);
    }

    /** A zone whose nodes already know where their answers start: one read back from its {@link ZoneImage}. */
    Zone(Name origin, NameTable<Node> nodes, Node apex, int recordCount, PrecompiledAnswers answers) {
        this.origin = origin;
        this.originKey = NameTable.key(origin.toWire());
        this.originLabels = origin.labels() - 1;
        this.nodes = nodes;
        this.apex = apex;
        this.soa = apex.rrset(org.xbill.DNS.Type.SOA);
        byte[] soaRdata = soa.data();
        int fixed = RRset.FIRST_RDATA + RRset.rdataLength(soaRdata, 0) - 20;
        this.serial = u32(soaRdata, fixed);
        long minimum = u32(soaRdata, fixed + 16);
        // RFC 2308 §3: the TTL of the SOA in a negative answer is min(SOA TTL, SOA MINIMUM).
        this.negativeTtl = Math.min(soa.ttl(), minimum);
        this.recordCount = recordCount;
        this.answers = answers;
    }

    private Zone(Zone zone, NameTable<Node> nodes, Node apex, PrecompiledAnswers answers) {
        this.origin = zone.origin;
        this.originKey = zone.originKey;
        this.originLabels = zone.originLabels;
        this.nodes = nodes;
        this.apex = apex;
        this.soa = zone.soa;
        this.serial = zone.serial;
        this.negativeTtl = zone.negativeTtl;
        this.recordCount = zone.recordCount;
        this.answers = answers;
    }

    /**
     * This zone with its answers precompiled: the same data, each node knowing where its answers
     * start. Cold path, before the zone is published.
     *
     * @param answersAt for the i-th node of {@link #nodes()}, where its answers start in
     *     {@code answers}, or {@link PrecompiledAnswers#NOT_COMPILED}
     */
    public Zone withAnswers(PrecompiledAnswers answers, int[] answersAt) {
        List<Node> plain = nodes();
        if (answersAt.length != plain.size()) {
            throw new IllegalArgumentException(answersAt.length + " answer offsets for " + plain.size() + " nodes");
        }
        Object[] compiled = new Object[plain.size()];
        Node compiledApex = null;
        for (int i = 0; i < compiled.length; i++) {
            Node node = new Node(plain.get(i), answersAt[i]);
            compiled[i] = node;
            if (plain.get(i) == apex) {
                compiledApex = node;
            }
        }
        return new Zone(this, nodes.withValues(compiled), compiledApex, answers);
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
        return nodes.get(buf, off, len);
    }

    /**
     * Every node of the zone, empty non-terminals included, in no particular order: what a zone
     * transfer walks (RFC 5936). Cold path: it makes a new read-only list on every call.
     */
    public java.util.List<Node> nodes() {
        return nodes.values();
    }


    /** Number of records after duplicates were collapsed. */
    public int recordCount() { return recordCount; }

    /** The precompiled answers; {@link PrecompiledAnswers#NONE} until {@link #withAnswers}. */
    public PrecompiledAnswers answers() { return answers; }

    /** Length of the origin in wire format. */
    int originLength() { return originKey.length; }
}
