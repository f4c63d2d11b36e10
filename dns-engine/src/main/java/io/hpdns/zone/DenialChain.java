package io.hpdns.zone;

import static io.hpdns.zone.CompiledZone.*;

import io.hpdns.wire.DnsConstants;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a {@link CompiledZone} layout that deny existence in a signed zone, as
 * {@link CompiledZoneWriter} writes them after the hash slots: the chain of NSEC owners, or of
 * NSEC3 owners of the zone's NSEC3PARAM parameters, in canonical order; and in an NSEC3 zone the
 * NSEC3 of every node and of its wildcard child, hashed here so that no query hashes a name that
 * exists (RFC 5155 §7.2). Cold path.
 */
final class DenialChain {
    /** The owners, in the zone's order until {@link #write} sorts them. */
    private final List<Node> chain;
    private final Nsec3Hash.Parameters nsec3;
    private final int nodeCount;

    private DenialChain(List<Node> chain, Nsec3Hash.Parameters nsec3, int nodeCount) {
        this.chain = chain;
        this.nsec3 = nsec3;
        this.nodeCount = nodeCount;
    }

    /**
     * The chain of the zone whose nodes are {@code nodes}: NSEC3 when its apex has an NSEC3PARAM
     * of a known hash algorithm (RFC 5155 §4), NSEC otherwise; empty in an unsigned zone.
     */
    static DenialChain of(Zone zone, List<Node> nodes) {
        RRset param = zone.apex().rrset(DnsConstants.TYPE_NSEC3PARAM);
        Nsec3Hash.Parameters nsec3 = param == null ? null
                : Nsec3Hash.Parameters.of(Arrays.copyOfRange(param.data(), 2, 2 + RRset.rdataLength(param.data(), 0)));
        int hashedLength = Nsec3Hash.LABEL + zone.apex().key().length;
        List<Node> chain = new ArrayList<>();
        for (Node node : nodes) {
            if (nsec3 != null ? isHashedOwner(node, hashedLength) && ownsNsec3Of(node, nsec3)
                    : node.rrset(DnsConstants.TYPE_NSEC) != null) {
                chain.add(node);
            }
        }
        return new DenialChain(chain, chain.isEmpty() ? null : nsec3, zone.nodeCount());
    }

    /** The owners in the canonical order of their names (RFC 4034 §6.1). */
    private List<Node> sorted() {
        byte[][] keys = new byte[chain.size()][];
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
            keys[i] = CanonicalOrder.sortKey(chain.get(i).key(), 0);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
        List<Node> sorted = new ArrayList<>(order.length);
        for (int i : order) {
            sorted.add(chain.get(i));
        }
        return sorted;
    }

    /** Whether the node's name is a hashed owner name: one label of 32 octets under the apex (RFC 5155 §3). */
    private static boolean isHashedOwner(Node node, int hashedLength) {
        return node.key().length == hashedLength && node.key()[0] == Nsec3Hash.LABEL - 1;
    }

    /** Whether the node owns an NSEC3 RRset whose first record has these parameters (one chain, RFC 5155 §7.2). */
    private static boolean ownsNsec3Of(Node node, Nsec3Hash.Parameters parameters) {
        RRset rrset = node.rrset(DnsConstants.TYPE_NSEC3);
        return rrset != null && parameters.match(MemorySegment.ofArray(rrset.data()), 2, RRset.rdataLength(rrset.data(), 0));
    }

    /** Octets after the slots: the chain (with its heads in an NSEC3 zone), and the NSEC3 of the nodes. */
    long size() {
        return nsec3 == null ? 8L * chain.size() : 16L * chain.size() + (long) NSEC3_ENTRY * nodeCount;
    }

    /**
     * Writes the chain at {@code at} and the NSEC3 of the nodes after it into {@code layout}, whose
     * header, nodes and slots are written.
     *
     * @param nodes the zone's nodes in layout order
     * @param nodeAt the offset of each
     */
    void write(MemorySegment layout, long at, List<Node> nodes, long[] nodeAt) {
        layout.set(U64, DENIAL_CHAIN, at);
        layout.set(U32, DENIAL_CHAIN_LENGTH, chain.size());
        List<Node> sorted = sorted();
        long[] owners = new long[sorted.size()];
        if (!sorted.isEmpty()) {
            // The owners' places in the chain, found among the nodes; an unsigned zone has none to find.
            Map<Node, Integer> places = new IdentityHashMap<>(sorted.size());
            for (int i = 0; i < sorted.size(); i++) {
                places.put(sorted.get(i), i);
            }
            for (int i = 0; i < nodes.size(); i++) {
                Integer place = places.get(nodes.get(i));
                if (place != null) {
                    owners[place] = nodeAt[i];
                }
            }
        }
        for (long owner : owners) {
            layout.set(U64, at, owner);
            at += 8;
        }
        if (nsec3 == null) {
            layout.set(U64, NSEC3_NODES, at);
            return;
        }
        Hashed hashed = new Hashed(nsec3, sorted, owners);
        for (long head : hashed.heads) {
            layout.set(U64, at, head);
            at += 8;
        }
        layout.set(U64, NSEC3_NODES, at);
        layout.set(U32, NSEC3_NODES_LENGTH, nodeCount);
        byte[] wildcard = new byte[DnsConstants.MAX_NAME_LENGTH + 2];
        for (int i = 0; i < nodes.size(); i++) {
            byte[] key = nodes.get(i).key();
            long own = hashed.nsec3Of(key, key.length);
            // A name too long for a wildcard child below it: no proof asks about one, and the
            // entry names its own NSEC3 there.
            long ofWildcard = own & ~COVERS;
            if (key.length + 2 <= DnsConstants.MAX_NAME_LENGTH) {
                wildcard[0] = 1;
                wildcard[1] = '*';
                System.arraycopy(key, 0, wildcard, 2, key.length);
                ofWildcard = hashed.nsec3Of(wildcard, key.length + 2) & ~COVERS;
            }
            layout.set(U64, at, nodeAt[i]);
            layout.set(U64, at + 8, own);
            layout.set(U64, at + 16, ofWildcard);
            at += NSEC3_ENTRY;
        }
    }

    /**
     * Hashes names and finds the NSEC3 that matches or covers the hash, among the chain's owners in
     * order. Every owner is one hash label under the apex, so the chain's order is the order of
     * these labels, compared as octets.
     */
    private static final class Hashed {
        private final Nsec3Hash.Parameters parameters;
        private final long[] owners;
        /** The hash label of each owner, in the chain's order. */
        private final byte[][] labels;
        /**
         * The first eight digits of each owner's label ({@link Nsec3Hash#head}), in the same order:
         * most comparisons of a search end there, without reading the label's array. The layout
         * keeps them after the chain, for the same reason.
         */
        private final long[] heads;
        private final Nsec3Hash hash = new Nsec3Hash();
        private final byte[] label = new byte[Nsec3Hash.LABEL];

        Hashed(Nsec3Hash.Parameters parameters, List<Node> chain, long[] owners) {
            this.parameters = parameters;
            this.owners = owners;
            this.labels = new byte[chain.size()][];
            this.heads = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = Arrays.copyOf(chain.get(i).key(), Nsec3Hash.LABEL);
                heads[i] = Nsec3Hash.head(labels[i]);
            }
        }

        /** The NSEC3 owner matching the hash of {@code key[0..length)}, else the covering one with {@link CompiledZone#COVERS}. */
        long nsec3Of(byte[] key, int length) {
            hash.label(key, 0, length, parameters, label, 0);
            int i = search(label);
            if (i >= 0) {
                return owners[i];
            }
            // Before the first: the last covers it (RFC 5155 §3.1.7).
            int before = -i - 2;
            return owners[before < 0 ? owners.length - 1 : before] | COVERS;
        }

        /**
         * As {@link Arrays#binarySearch} among the labels, comparing them as unsigned octets: the
         * index of {@code wanted}, else {@code -(the index it would go at) - 1}.
         */
        private int search(byte[] wanted) {
            long head = Nsec3Hash.head(wanted);
            int low = 0;
            int high = heads.length - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int c = Long.compareUnsigned(heads[mid], head);
                if (c == 0) {
                    c = Arrays.compareUnsigned(labels[mid], wanted);
                }
                if (c < 0) {
                    low = mid + 1;
                } else if (c > 0) {
                    high = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(low + 1);
        }
    }
}
