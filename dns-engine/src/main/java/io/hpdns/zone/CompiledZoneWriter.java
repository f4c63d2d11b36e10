package io.hpdns.zone;

import static io.hpdns.zone.CompiledZone.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hpdns.wire.DnsConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Writes a zone in the {@link CompiledZone} layout. Cold path: run where a zone is compiled. Two
 * passes over the nodes, one to size the layout and one to write it, so the layout is allocated
 * once, whole, whatever the zone's size.
 */
public final class CompiledZoneWriter {

    private CompiledZoneWriter() {}

    /** The loaded zone, its answers not compiled yet, as a layout in memory of its own. */
    public static CompiledZone write(Zone zone) {
        List<Node> nodes = zone.nodes();
        byte[] origin = zone.origin().toWire();
        long nodesAt = HEADER + origin.length;
        long size = nodesAt;
        for (Node node : nodes) {
            size += nodeSize(node);
        }
        int slotCount = Integer.highestOneBit(Math.max(2, nodes.size() + nodes.size() / 3)) << 1;
        long slotsAt = size;
        size += (long) slotCount * 8;
        if (size - 1 > OFFSET_MASK) {
            throw new IllegalArgumentException("zone " + zone.origin() + " takes more than 1 TB compiled");
        }
        MemorySegment layout = Arena.ofAuto().allocate(size, 8);
        layout.set(U64, 0, MAGIC);
        layout.set(U32, 8, VERSION);
        layout.set(U32, NODE_COUNT, nodes.size());
        layout.set(U64, LENGTH, size);
        layout.set(U32, RECORD_COUNT, zone.recordCount());
        layout.set(U32, SLOT_COUNT, slotCount);
        layout.set(U64, SLOTS, slotsAt);
        layout.set(U64, FIRST_NODE, nodesAt);
        layout.set(U64, ANSWERS, size);
        layout.set(U64, ORIGIN, HEADER);
        layout.set(U64, NEGATIVE, size);
        // The answers are compiled on this layout, then written after it (withAnswers).
        MemorySegment.copy(origin, 0, layout, JAVA_BYTE, HEADER, origin.length);
        long at = nodesAt;
        int shift = Integer.numberOfLeadingZeros(slotCount) + 1;
        long mask = slotCount - 1;
        for (Node node : nodes) {
            if (node == zone.apex()) {
                layout.set(U64, APEX, at);
            }
            long next = writeNode(layout, at, node, node == zone.apex());
            int hash = NameTable.hash(node.key(), 0, node.key().length);
            long slot = (hash * 0x9E3779B9) >>> shift;
            while (layout.get(U64, slotsAt + (slot << 3)) != 0) {
                slot = (slot + 1) & mask;
            }
            layout.set(U64, slotsAt + (slot << 3), tag(hash) | at);
            at = next;
        }
        return new CompiledZone(layout);
    }

    /**
     * The zone with its answers compiled: the same layout, each node's answers offset set and the
     * answers and the negative answer after the slots.
     *
     * @param answersAt for each node in layout order ({@link CompiledZone#firstNode()} on), where its
     *     answers start in {@code answers}, or {@link PrecompiledAnswers#NOT_COMPILED}
     */
    public static CompiledZone withAnswers(CompiledZone zone, PrecompiledAnswers.Builder answers,
                                           NegativeAnswer negative, int[] answersAt) {
        if (answersAt.length != zone.nodeCount()) {
            throw new IllegalArgumentException(answersAt.length + " answer offsets for " + zone.nodeCount() + " nodes");
        }
        MemorySegment plain = zone.layout();
        long plainLength = plain.get(U64, ANSWERS);
        byte[] bytes = answers.layout();
        byte[] negativeBytes = negative == null ? new byte[0] : negative.toLayout();
        long size = plainLength + bytes.length + negativeBytes.length;
        MemorySegment layout = Arena.ofAuto().allocate(size, 8);
        MemorySegment.copy(plain, 0, layout, 0, plainLength);
        layout.set(U64, LENGTH, size);
        layout.set(U64, ANSWERS, plainLength);
        layout.set(U64, ANSWERS_LENGTH, bytes.length);
        MemorySegment.copy(bytes, 0, layout, JAVA_BYTE, plainLength, bytes.length);
        layout.set(U64, NEGATIVE, plainLength + bytes.length);
        layout.set(U32, NEGATIVE_LENGTH, negativeBytes.length);
        MemorySegment.copy(negativeBytes, 0, layout, JAVA_BYTE, plainLength + bytes.length, negativeBytes.length);
        int i = 0;
        for (long node = zone.firstNode(); node < zone.nodesEnd(); node = zone.nextNode(node)) {
            layout.set(U32, node + 4, answersAt[i++]);
        }
        return new CompiledZone(layout);
    }

    private static long nodeSize(Node node) {
        long size = NODE_FIXED + node.key().length + (node.owner() == node.key() ? 0 : node.owner().length);
        for (RRset rrset : node.rrsets()) {
            size += RRSET_FIXED + rrset.data().length;
        }
        return size;
    }

    /** Writes the node at {@code at}; returns the offset after it. For the apex, notes where its SOA is. */
    private static long writeNode(MemorySegment layout, long at, Node node, boolean apex) {
        byte[] key = node.key();
        boolean ownCase = node.owner() != key;
        layout.set(JAVA_BYTE, at, (byte) ((node.isZoneCut() ? ZONE_CUT : 0) | (ownCase ? OWN_CASE : 0)));
        layout.set(JAVA_BYTE, at + 1, (byte) key.length);
        layout.set(U16, at + 2, (short) node.rrsets().length);
        layout.set(U32, at + 4, PrecompiledAnswers.NOT_COMPILED);
        long p = at + NODE_FIXED;
        MemorySegment.copy(key, 0, layout, JAVA_BYTE, p, key.length);
        p += key.length;
        if (ownCase) {
            MemorySegment.copy(node.owner(), 0, layout, JAVA_BYTE, p, key.length);
            p += key.length;
        }
        for (RRset rrset : node.rrsets()) {
            if (apex && rrset.type() == DnsConstants.TYPE_SOA) {
                layout.set(U64, SOA, p);
            }
            byte[] data = rrset.data();
            layout.set(U16, p, (short) rrset.type());
            layout.set(U32, p + 2, (int) rrset.ttl());
            layout.set(U32, p + 6, rrset.size());
            layout.set(U32, p + 10, data.length);
            MemorySegment.copy(data, 0, layout, JAVA_BYTE, p + RRSET_FIXED, data.length);
            p += RRSET_FIXED + data.length;
        }
        return p;
    }
}
