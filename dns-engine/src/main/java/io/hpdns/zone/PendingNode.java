package io.hpdns.zone;

import io.hpdns.wire.WireNames;
import java.util.Arrays;

/**
 * One owner name and its RRsets while its zone file is read, in order of first appearance; an
 * empty non-terminal when it has none.
 */
final class PendingNode {
    /** The name lowercased: its key in the zone's name tables. */
    final byte[] key;
    /** The name as first written in the zone file, with its letter case (RFC 4343 §4.1). */
    final byte[] owner;
    /** A delegation point: NS below the apex (RFC 1034 §4.2.1). */
    boolean zoneCut;
    private PendingRRset[] rrsets;
    private int count;

    PendingNode(byte[] key, byte[] owner) {
        this.key = key;
        this.owner = owner;
    }

    int rrsetCount() {
        return count;
    }

    PendingRRset rrset(int i) {
        return rrsets[i];
    }

    /** The RRset of this type; for RRSIG, the one that covers {@code covered}. */
    PendingRRset find(int type, int covered) {
        for (int i = 0; i < count; i++) {
            if (rrsets[i].type == type && rrsets[i].covered == covered) {
                return rrsets[i];
            }
        }
        return null;
    }

    /** The RRset of this type, not RRSIG. */
    PendingRRset find(int type) {
        return find(type, 0);
    }

    PendingRRset add(PendingRRset rrset) {
        if (rrsets == null) {
            // Most names own one RRset.
            rrsets = new PendingRRset[1];
        } else if (count == rrsets.length) {
            rrsets = Arrays.copyOf(rrsets, count * 2);
        }
        rrsets[count++] = rrset;
        return rrset;
    }

    /** The node to serve; its RRsets ordered by type, RRSIGs by the type they cover ({@link RRset#order}). */
    Node build() {
        if (count == 0) {
            return new Node(owner, key, null, false);
        }
        RRset[] built = new RRset[count];
        for (int i = 0; i < count; i++) {
            RRset r = rrsets[i].build();
            // Insertion sort: a name owns a handful of RRsets.
            int j = i;
            while (j > 0 && order(built[j - 1]) > order(r)) {
                built[j] = built[j - 1];
                j--;
            }
            built[j] = r;
        }
        return new Node(owner, key, built, zoneCut);
    }

    private static long order(RRset r) {
        return RRset.order(r.type(), r.covered());
    }

    @Override
    public String toString() {
        return WireNames.toString(key, 0);
    }
}
