package io.hpdns.zone;

import static io.hpdns.zone.CompiledZone.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hpdns.wire.DnsConstants;
import java.lang.foreign.MemorySegment;

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

    void check() {
        require(size >= HEADER, 0, "shorter than its header");
        require(layout.get(U64, 0) == MAGIC, 0, "not a compiled zone layout");
        require(layout.get(U32, 8) == VERSION, 8, "layout version " + layout.get(U32, 8) + ", not " + VERSION);
        require(layout.get(U64, LENGTH) == size, LENGTH, "length " + layout.get(U64, LENGTH) + ", not " + size);
        long origin = layout.get(U64, ORIGIN);
        long firstNode = layout.get(U64, FIRST_NODE);
        long slots = layout.get(U64, SLOTS);
        int slotCount = layout.get(U32, SLOT_COUNT);
        long answers = layout.get(U64, ANSWERS);
        long answersLength = layout.get(U64, ANSWERS_LENGTH);
        long negative = layout.get(U64, NEGATIVE);
        int negativeLength = layout.get(U32, NEGATIVE_LENGTH);
        require(origin >= HEADER && origin < firstNode, ORIGIN, "origin at " + origin);
        require(name(origin, firstNode) == firstNode, origin, "origin is not one wire name");
        require(firstNode <= slots, FIRST_NODE, "nodes at " + firstNode + " after the slots at " + slots);
        require(slotCount > 0 && Integer.bitCount(slotCount) == 1, SLOT_COUNT, "slot count " + slotCount);
        require(slots + 8L * slotCount == answers, SLOTS, "slots do not end where the answers start");
        require(answersLength >= 0 && answers + answersLength == negative, ANSWERS, "answers of " + answersLength);
        require(negativeLength >= 0 && negative + negativeLength == size, NEGATIVE, "negative answer of "
                + negativeLength);
        int nodeCount = layout.get(U32, NODE_COUNT);
        long apex = layout.get(U64, APEX);
        long soa = layout.get(U64, SOA);
        boolean apexSeen = false;
        boolean soaSeen = false;
        int nodes = 0;
        long node = firstNode;
        while (node < slots) {
            long next = node(node, slots, answersLength);
            apexSeen |= node == apex;
            if (node == apex) {
                soaSeen = isSoaOf(node, soa);
            }
            node = next;
            nodes++;
        }
        require(node == slots, node, "the last node runs past the slots");
        require(nodes == nodeCount, NODE_COUNT, nodeCount + " nodes in the header, " + nodes + " in the layout");
        require(apexSeen, APEX, "the apex at " + apex + " is not a node");
        require(soaSeen, SOA, "the SOA at " + soa + " is not an SOA RRset of the apex");
        checkIndex(firstNode, slots, slotCount, nodeCount);
    }

    /** Checks the node at {@code at}; returns the offset after it. */
    private long node(long at, long end, long answersLength) {
        require(at + NODE_FIXED <= end, at, "node header past the nodes");
        int flags = layout.get(JAVA_BYTE, at) & 0xff;
        require((flags & ~(ZONE_CUT | OWN_CASE)) == 0, at, "node flags " + flags);
        int keyLength = layout.get(JAVA_BYTE, at + 1) & 0xff;
        long key = at + NODE_FIXED;
        require(name(key, end) == key + keyLength, key, "node key is not a wire name of " + keyLength + " octets");
        long p = key + keyLength;
        if ((flags & OWN_CASE) != 0) {
            require(name(p, end) == p + keyLength, p, "node owner is not a wire name of " + keyLength + " octets");
            p += keyLength;
        }
        int answersAt = layout.get(U32, at + 4);
        require(answersAt == PrecompiledAnswers.NOT_COMPILED || answersAt >= 0 && answersAt < answersLength, at + 4,
                "answers at " + answersAt);
        int rrsets = layout.get(U16, at + 2) & 0xffff;
        int previousType = -1;
        for (int i = 0; i < rrsets; i++) {
            require(p + RRSET_FIXED <= end, p, "RRset header past the nodes");
            int type = layout.get(U16, p) & 0xffff;
            require(type > previousType, p, "RRsets not ordered by type");
            previousType = type;
            int count = layout.get(U32, p + 6);
            long dataLength = Integer.toUnsignedLong(layout.get(U32, p + 10));
            long data = p + RRSET_FIXED;
            require(count > 0 && data + dataLength <= end, p, "RRset of " + count + " records, " + dataLength + " octets");
            long r = data;
            for (int k = 0; k < count; k++) {
                require(r + 2 <= data + dataLength, r, "record length past its RRset");
                r += 2 + (layout.get(U16, r) & 0xffff);
            }
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

    /** Every node is found through the slots, and only nodes are. */
    private void checkIndex(long firstNode, long slots, int slotCount, int nodeCount) {
        int used = 0;
        for (int i = 0; i < slotCount; i++) {
            if (layout.get(U64, slots + 8L * i) != 0) {
                used++;
            }
        }
        require(used == nodeCount, slots, used + " slots in use for " + nodeCount + " nodes");
        require(used < slotCount, slots, "no free slot: a missing name would be looked for forever");
        CompiledZone zone = new CompiledZone(layout);
        byte[] key = new byte[255];
        for (long node = firstNode; node < slots; node = zone.nextNode(node)) {
            int length = zone.copyNameLower(zone.key(node), key, 0);
            require(zone.node(key, 0, length) == node, node, "node not found through the slots");
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

    private static void require(boolean condition, long at, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem + " (offset " + at + ")");
        }
    }
}
