package io.hpdns.zone;

import static io.hpdns.zone.CompiledZone.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hpdns.wire.DnsConstants;
import io.hpdns.wire.WireNames;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The structural check of a {@link CompiledZone} layout read from a file ({@link CompiledZone#check}):
 * the checksum already told the file is the one written, this tells it is one this build can read
 * without an offset leading outside it, so that no query can fail on it.
 */
final class LayoutCheck {
    /** RFC 1035 §3.1: a name is at most 255 octets, a label at most 63. */
    private static final int MAX_LABEL = 63;
    /** An SOA's rdata: two root names and five 32-bit fields at least (RFC 1035 §3.3.13). */
    private static final int MIN_SOA_RDATA = 2 + 20;

    private final MemorySegment layout;
    private final long size;

    LayoutCheck(MemorySegment layout) {
        this.layout = layout;
        this.size = layout.byteSize();
    }

    /**
     * Checks the header and every node, and that the index finds each node and nothing else.
     */
    void check() {
        checkHeader();
        long apex = layout.get(U64, APEX);
        long soa = layout.get(U64, SOA);
        boolean apexSeen = false;
        boolean soaSeen = false;
        long[] nodes = new long[nodeCount];
        int count = 0;
        long node = firstNode;
        while (node < slots) {
            if (count == nodeCount) {
                throw malformed(NODE_COUNT, nodeCount + " nodes in the header, more in the layout");
            }
            nodes[count++] = node;
            long next = node(node, slots, answersLength);
            apexSeen |= node == apex;
            if (node == apex) {
                soaSeen = isSoaOf(node, soa);
            }
            node = next;
        }
        require(node == slots, node, "the last node runs past the slots");
        if (count != nodeCount) {
            throw malformed(NODE_COUNT, nodeCount + " nodes in the header, " + count + " in the layout");
        }
        if (!apexSeen) {
            throw malformed(APEX, "the apex at " + apex + " is not a node");
        }
        if (!soaSeen) {
            throw malformed(SOA, "the SOA at " + soa + " is not an SOA RRset of the apex");
        }
        checkIndex(nodes, slots, slotCount);
        long[] chain = checkDenialChain(nodes);
        checkNsec3Nodes(nodes, chain);
    }

    /**
     * The denial chain: nodes that own an NSEC RRset (an NSEC3 RRset in an NSEC3 zone), each once,
     * in canonical order, which the binary search for the record covering a name relies on; in an
     * NSEC3 zone, each a hashed owner name whose head follows the chain.
     *
     * @return the chain's owners in layout order
     */
    private long[] checkDenialChain(long[] nodes) {
        CompiledZone zone = new CompiledZone(layout);
        int type = nsec3Count > 0 ? DnsConstants.TYPE_NSEC3 : DnsConstants.TYPE_NSEC;
        require(nsec3Count == 0 || zone.nsec3() != null, NSEC3_NODES, "NSEC3 of the nodes without an NSEC3PARAM");
        CanonicalOrder order = new CanonicalOrder();
        byte[] previous = new byte[255];
        int[] starts = new int[128];
        int previousLabels = -1;
        long[] owners = new long[denialCount];
        for (int i = 0; i < denialCount; i++) {
            long at = denialChain + 8L * i;
            long node = layout.get(U64, at);
            require(Arrays.binarySearch(nodes, node) >= 0, at, "a denial chain entry that is not a node");
            require(zone.rrset(node, type) != CompiledZone.NONE, at, "a denial chain entry without its NSEC or NSEC3");
            require(previousLabels < 0 || order.compare(previous, starts, previousLabels, layout, zone.key(node)) < 0,
                    at, "the denial chain is not in canonical order");
            if (nsec3Count > 0) {
                long head = denialChain + 8L * (denialCount + i);
                require(layout.get(JAVA_BYTE, zone.key(node)) == Nsec3Hash.LABEL - 1, at,
                        "an NSEC3 chain owner that is not a hashed owner name");
                require(layout.get(U64, head) == Nsec3Hash.head(layout.asSlice(zone.key(node))), head,
                        "an NSEC3 chain head that is not its owner's");
            }
            zone.copyName(zone.key(node), previous, 0);
            previousLabels = WireNames.labelStarts(previous, 0, starts);
            owners[i] = node;
        }
        Arrays.sort(owners);
        return owners;
    }

    /** The NSEC3 of the nodes: one entry per node, in layout order, each naming owners of the chain. */
    private void checkNsec3Nodes(long[] nodes, long[] chain) {
        if (nsec3Count == 0) {
            return;
        }
        require(nsec3Count == nodes.length && denialCount > 0, NSEC3_NODES_LENGTH, "NSEC3 of the nodes not one per node");
        for (int i = 0; i < nsec3Count; i++) {
            long at = nsec3Nodes + (long) NSEC3_ENTRY * i;
            require(layout.get(U64, at) == nodes[i], at, "NSEC3 of the nodes out of the nodes' order");
            require(Arrays.binarySearch(chain, layout.get(U64, at + 8) & ~COVERS) >= 0
                    && Arrays.binarySearch(chain, layout.get(U64, at + 16)) >= 0, at, "an NSEC3 not in the chain");
        }
    }

    /**
     * The check of a layout patched from a checked one ({@link LayoutPatch}): the header, the nodes
     * written (each within the nodes, and found through the index), the apex and its SOA. The
     * nodes and slots copied from the checked layout were checked there, and moved as a whole.
     *
     * @param written the nodes written anew
     */
    void checkPatched(long[] written) {
        checkHeader();
        long apex = layout.get(U64, APEX);
        require(apex >= firstNode && apex < slots, APEX, "the apex is not among the nodes");
        node(apex, slots, answersLength);
        if (!isSoaOf(apex, layout.get(U64, SOA))) {
            throw malformed(SOA, "the SOA is not an SOA RRset of the apex");
        }
        for (long node : written) {
            require(node >= firstNode && node < slots, node, "a node written outside the nodes");
            node(node, slots, answersLength);
        }
        findable(written, slots, slotCount);
        // A patch moves nodes: a zone with a denial chain is compiled whole (ZonePatch).
        require(denialCount == 0 && nsec3Count == 0, DENIAL_CHAIN, "a patched layout with a denial chain");
    }

    private long firstNode;
    private long slots;
    private int slotCount;
    private long answersLength;
    private int nodeCount;
    private long denialChain;
    private int denialCount;
    private long nsec3Nodes;
    private int nsec3Count;

    /** Checks the header: every part where it says and as long as it says. */
    private void checkHeader() {
        require(size >= HEADER, 0, "shorter than its header");
        require(layout.get(U64, 0) == MAGIC, 0, "not a compiled zone layout");
        if (layout.get(U32, 8) != VERSION) {
            throw malformed(8, "layout version " + layout.get(U32, 8) + ", not " + VERSION);
        }
        if (layout.get(U64, LENGTH) != size) {
            throw malformed(LENGTH, "length " + layout.get(U64, LENGTH) + ", not " + size);
        }
        long origin = layout.get(U64, ORIGIN);
        firstNode = layout.get(U64, FIRST_NODE);
        slots = layout.get(U64, SLOTS);
        slotCount = layout.get(U32, SLOT_COUNT);
        long answers = layout.get(U64, ANSWERS);
        answersLength = layout.get(U64, ANSWERS_LENGTH);
        long negative = layout.get(U64, NEGATIVE);
        int negativeLength = layout.get(U32, NEGATIVE_LENGTH);
        if (origin < HEADER || origin >= firstNode) {
            throw malformed(ORIGIN, "origin at " + origin);
        }
        require(name(origin, firstNode) == firstNode, origin, "origin is not one wire name");
        if (firstNode > slots) {
            throw malformed(FIRST_NODE, "nodes at " + firstNode + " after the slots at " + slots);
        }
        if (slotCount <= 0 || Integer.bitCount(slotCount) != 1) {
            throw malformed(SLOT_COUNT, "slot count " + slotCount);
        }
        denialChain = layout.get(U64, DENIAL_CHAIN);
        denialCount = layout.get(U32, DENIAL_CHAIN_LENGTH);
        nsec3Nodes = layout.get(U64, NSEC3_NODES);
        nsec3Count = layout.get(U32, NSEC3_NODES_LENGTH);
        require(slots + 8L * slotCount == denialChain, SLOTS, "slots do not end where the denial chain starts");
        // In an NSEC3 zone the owners are followed by their heads.
        require(denialCount >= 0 && denialChain + (nsec3Count > 0 ? 16L : 8L) * denialCount == nsec3Nodes,
                DENIAL_CHAIN, "the denial chain does not end where the NSEC3 of the nodes start");
        require(nsec3Count >= 0 && nsec3Nodes + (long) NSEC3_ENTRY * nsec3Count == answers, NSEC3_NODES,
                "the NSEC3 of the nodes do not end where the answers start");
        if (answersLength < 0 || answers + answersLength != negative) {
            throw malformed(ANSWERS, "answers of " + answersLength);
        }
        if (negativeLength < 0 || negative + negativeLength != size) {
            throw malformed(NEGATIVE, "negative answer of " + negativeLength);
        }
        int flags = layout.get(U32, FLAGS);
        require((flags & ~ANSWERS_DEFERRED) == 0, FLAGS, "unknown flags " + Integer.toHexString(flags));
        require((flags & ANSWERS_DEFERRED) == 0 || answersLength == 0 && negativeLength == 0, FLAGS,
                "answers in a layout whose answers are deferred");
        nodeCount = layout.get(U32, NODE_COUNT);
        // A node takes its fixed part and a root name at least.
        if (nodeCount < 0 || nodeCount > (slots - firstNode) / (NODE_FIXED + 1)) {
            throw malformed(NODE_COUNT, nodeCount + " nodes in the header, more than the layout holds");
        }
    }

    /** Checks the node at {@code at}; returns the offset after it. */
    private long node(long at, long end, long answersLength) {
        require(at + NODE_FIXED <= end, at, "node header past the nodes");
        int flags = layout.get(JAVA_BYTE, at) & 0xff;
        if ((flags & ~(ZONE_CUT | OWN_CASE)) != 0) {
            throw malformed(at, "node flags " + flags);
        }
        int keyLength = layout.get(JAVA_BYTE, at + 1) & 0xff;
        long key = at + NODE_FIXED;
        if (name(key, end) != key + keyLength) {
            throw malformed(key, "node key is not a wire name of " + keyLength + " octets");
        }
        long p = key + keyLength;
        if ((flags & OWN_CASE) != 0) {
            if (name(p, end) != p + keyLength) {
                throw malformed(p, "node owner is not a wire name of " + keyLength + " octets");
            }
            p += keyLength;
        }
        int answersAt = layout.get(U32, at + 4);
        if (answersAt != PrecompiledAnswers.NOT_COMPILED && (answersAt < 0 || answersAt >= answersLength)) {
            throw malformed(at + 4, "answers at " + answersAt);
        }
        int rrsets = layout.get(U16, at + 2) & 0xffff;
        long previousOrder = -1;
        for (int i = 0; i < rrsets; i++) {
            require(p + RRSET_FIXED <= end, p, "RRset header past the nodes");
            int type = layout.get(U16, p) & 0xffff;
            int count = layout.get(U32, p + 6);
            long dataLength = Integer.toUnsignedLong(layout.get(U32, p + 10));
            long data = p + RRSET_FIXED;
            if (count <= 0 || data + dataLength > end) {
                throw malformed(p, "RRset of " + count + " records, " + dataLength + " octets");
            }
            int covered = -1;
            long r = data;
            for (int k = 0; k < count; k++) {
                require(r + 2 <= data + dataLength, r, "record length past its RRset");
                int length = layout.get(U16, r) & 0xffff;
                if (type == DnsConstants.TYPE_RRSIG) {
                    // One RRSIG RRset per type covered: CompiledZone#signatures relies on it.
                    require(length >= 2 && r + 4 <= data + dataLength, r, "RRSIG record without a type covered");
                    int c = layout.get(U16, r + 2) & 0xffff;
                    require(covered < 0 || c == covered, r, "RRSIG RRset covering two types");
                    covered = c;
                }
                r += 2 + length;
            }
            long order = RRset.order(type, Math.max(covered, 0));
            require(order > previousOrder, p, "RRsets not ordered by type");
            previousOrder = order;
            require(r == data + dataLength, r, "records do not add up to their RRset's length");
            p = r;
        }
        return p;
    }

    private boolean isSoaOf(long apex, long soa) {
        long r = firstRRsetOf(apex);
        int rrsets = layout.get(U16, apex + 2) & 0xffff;
        for (int i = 0; i < rrsets; i++) {
            if (r == soa) {
                return (layout.get(U16, r) & 0xffff) == DnsConstants.TYPE_SOA
                        && (layout.get(U16, r + RRSET_FIXED) & 0xffff) >= MIN_SOA_RDATA;
            }
            r += RRSET_FIXED + Integer.toUnsignedLong(layout.get(U32, r + 10));
        }
        return false;
    }

    private long firstRRsetOf(long node) {
        int keyLength = layout.get(JAVA_BYTE, node + 1) & 0xff;
        boolean ownCase = (layout.get(JAVA_BYTE, node) & OWN_CASE) != 0;
        return node + NODE_FIXED + (ownCase ? 2L * keyLength : keyLength);
    }

    /**
     * Every node is found through the slots, and only nodes are. Each node's slot is sought from
     * its key's home slot, as a lookup probes, taking the nodes in layout order (read in sequence,
     * not once more through the slots): it must be reached before an empty slot, and before any
     * slot of another node with the same key. Nodes found at their own slots, as many as the slots
     * in use, leave no slot pointing elsewhere.
     *
     * @param nodes every node's offset, in layout order, each checked
     */
    private void checkIndex(long[] nodes, long slots, int slotCount) {
        int used = 0;
        for (int i = 0; i < slotCount; i++) {
            if (layout.get(U64, slots + 8L * i) != 0) {
                used++;
            }
        }
        if (used != nodes.length) {
            throw malformed(slots, used + " slots in use for " + nodes.length + " nodes");
        }
        require(used < slotCount, slots, "no free slot: a missing name would be looked for forever");
        findable(nodes, slots, slotCount);
    }

    /**
     * Each of {@code nodes} is reached from its key's home slot, before an empty slot and before
     * any slot of another node with the same key.
     */
    private void findable(long[] nodes, long slots, int slotCount) {
        CompiledZone zone = new CompiledZone(layout);
        long mask = slotCount - 1;
        byte[] key = new byte[255];
        for (long node : nodes) {
            int length = zone.copyName(zone.key(node), key, 0);
            int hash = NameTable.hash(key, 0, length);
            long tag = CompiledZone.tag(hash);
            long wanted = tag | node;
            long slot = zone.slotOf(hash);
            long s;
            while ((s = layout.get(U64, slots + (slot << 3))) != wanted) {
                require(s != 0, node, "node not found through the slots");
                require((s & ~OFFSET_MASK) != tag || !zone.hasKey(s & OFFSET_MASK, key, 0, length), node,
                        "node hidden by another of the same name in the slots");
                slot = (slot + 1) & mask;
            }
        }
    }

    /** The offset after the uncompressed wire name at {@code at}, or -1 when there is none before {@code end}. */
    private long name(long at, long end) {
        long p = at;
        int total = 0;
        while (p < end) {
            int len = layout.get(JAVA_BYTE, p) & 0xff;
            total += len + 1;
            if (len > MAX_LABEL || total > 255) {
                return -1;
            }
            if (len == 0) {
                return p + 1;
            }
            p += len + 1;
        }
        return -1;
    }

    /** Fails the check with {@code problem} unless {@code condition}; the problem is a constant, made once. */
    private static void require(boolean condition, long at, String problem) {
        if (!condition) {
            throw malformed(at, problem);
        }
    }

    /** The failure of the check at offset {@code at}; messages with values are made only when it fails. */
    private static IllegalArgumentException malformed(long at, String problem) {
        return new IllegalArgumentException(problem + " (offset " + at + ")");
    }
}
