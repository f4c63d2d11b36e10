package io.hpdns.zone;

import io.hpdns.wire.WireNames;

/**
 * One owner name in a zone's tree and the RRsets it owns. A node with no RRset is an empty
 * non-terminal (RFC 8020 §2, RFC 4592 §2.2.2): it exists, so names below it make it answer NODATA,
 * and it blocks wildcards above it.
 */
public final class Node {
    private static final RRset[] NONE = new RRset[0];

    private final byte[] owner;
    private final byte[] key;
    /** Ordered by type ({@link RRset#order}), each added in its place while the zone is read. */
    private RRset[] rrsets = NONE;
    private boolean zoneCut;

    /**
     * A node with no RRset yet, gathered while its zone is read ({@link ZoneBuilder}); {@code owner}
     * and {@code key} are the same array when the zone file wrote the name in lowercase.
     */
    Node(byte[] owner, byte[] key) {
        this.owner = owner;
        this.key = key;
    }

    /** Adds an RRset the node lacks, in its place: a node owns a handful, so the array grows by one. */
    RRset add(RRset rrset) {
        long order = RRset.order(rrset.type(), rrset.covered());
        int at = rrsets.length;
        while (at > 0 && RRset.order(rrsets[at - 1].type(), rrsets[at - 1].covered()) > order) {
            at--;
        }
        RRset[] more = new RRset[rrsets.length + 1];
        System.arraycopy(rrsets, 0, more, 0, at);
        more[at] = rrset;
        System.arraycopy(rrsets, at, more, at + 1, rrsets.length - at);
        rrsets = more;
        return rrset;
    }

    /** The RRset of this type; for RRSIG, the one that covers {@code covered}; null if none. */
    RRset rrset(int type, int covered) {
        for (RRset r : rrsets) {
            if (r.type() == type && r.covered() == covered) {
                return r;
            }
        }
        return null;
    }

    /** Marks the node a delegation point while its zone is read. */
    void markZoneCut() {
        zoneCut = true;
    }

    /** Done reading: each RRset sealed ({@link RRset#seal}). */
    void seal() {
        for (RRset r : rrsets) {
            r.seal();
        }
    }

    /** The owner name in uncompressed wire format, with the letter case of the zone file. */
    public byte[] owner() { return owner; }

    /** The owner name lowercased: its key in the zone's name table. */
    byte[] key() { return key; }

    /** RRsets ordered by type. */
    public RRset[] rrsets() { return rrsets; }

    /** The RRset of the given type, or null. */
    public RRset rrset(int type) {
        for (RRset r : rrsets) {
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    /** A delegation point: NS below the apex (RFC 1034 §4.2.1). */
    public boolean isZoneCut() { return zoneCut; }

    public boolean isEmptyNonTerminal() { return rrsets.length == 0; }

    @Override
    public String toString() {
        return WireNames.toString(key, 0);
    }
}
