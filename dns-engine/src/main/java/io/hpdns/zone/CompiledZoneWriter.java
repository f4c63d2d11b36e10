package io.hpdns.zone;

import static io.hpdns.zone.CompiledZone.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hpdns.wire.DnsConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
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
        Plan plan = plan(zone);
        return write(plan, Arena.ofAuto().allocate(plan.size(), 8));
    }

    /**
     * A zone's layout before it is written: its nodes in layout order, its denial chain and the
     * octets it takes, each found once (for a large zone each is a pass over every node).
     */
    public static final class Plan {
        final Zone zone;
        final List<Node> nodes;
        final DenialChain denial;
        private final long size;

        private Plan(Zone zone) {
            this.zone = zone;
            this.nodes = zone.nodes();
            this.denial = DenialChain.of(zone, nodes);
            long octets = HEADER + zone.origin().toWire().length;
            for (Node node : nodes) {
                octets += nodeSize(node);
            }
            octets += (long) slotCount(zone) * 8 + denial.size();
            if (octets - 1 > OFFSET_MASK) {
                throw new IllegalArgumentException("zone " + zone.origin() + " takes more than 1 TB compiled");
            }
            this.size = octets;
        }

        /**
         * The octets the layout takes before its answers: the header, the origin, the nodes, the
         * hash index and the denial chain.
         */
        public long size() {
            return size;
        }
    }

    /** The plan of {@code zone}'s layout, to size the memory it is written into. */
    public static Plan plan(Zone zone) {
        return new Plan(zone);
    }

    private static int slotCount(Zone zone) {
        return slotCount(zone.nodeCount());
    }

    /** Hash slots for {@code nodes} nodes: a power of two, fewer than three quarters in use. */
    static int slotCount(int nodes) {
        return Integer.highestOneBit(Math.max(2, nodes + nodes / 3)) << 1;
    }

    /**
     * Writes the planned zone, its answers not compiled yet, into {@code layout}: {@link Plan#size}
     * octets, all zero (fresh memory, or a new file's mapping), which the zone then reads.
     */
    public static CompiledZone write(Plan plan, MemorySegment layout) {
        Zone zone = plan.zone;
        DenialChain denial = plan.denial;
        // Sized by the plan, and checked once the nodes are written: one pass over them fewer.
        long size = layout.byteSize();
        List<Node> nodes = plan.nodes;
        byte[] origin = zone.origin().toWire();
        long nodesAt = HEADER + origin.length;
        int slotCount = slotCount(zone);
        long chainAt = size - denial.size();
        long slotsAt = chainAt - (long) slotCount * 8;
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
        long[] nodeAt = new long[nodes.size()];
        long at = nodesAt;
        for (int i = 0; i < nodeAt.length; i++) {
            Node node = nodes.get(i);
            if (node == zone.apex()) {
                layout.set(U64, APEX, at);
            }
            nodeAt[i] = at;
            long next = writeNode(layout, at, node, node == zone.apex());
            index(layout, slotsAt, slotCount, node.key(), at);
            at = next;
        }
        if (at != slotsAt) {
            throw new IllegalArgumentException(size + " octets for a layout of "
                    + (size - slotsAt + at));
        }
        denial.write(layout, chainAt, nodes, nodeAt);
        return new CompiledZone(layout);
    }

    /**
     * Enters the node at {@code node}, of the lowercased name {@code key}, in the hash slots at
     * {@code slotsAt}: at its name's home slot or the first free one after it (linear probing).
     */
    static void index(MemorySegment layout, long slotsAt, int slotCount, byte[] key, long node) {
        int hash = NameTable.hash(key, 0, key.length);
        long slot = (hash * 0x9E3779B9) >>> (Integer.numberOfLeadingZeros(slotCount) + 1);
        long mask = slotCount - 1;
        while (layout.get(U64, slotsAt + (slot << 3)) != 0) {
            slot = (slot + 1) & mask;
        }
        layout.set(U64, slotsAt + (slot << 3), tag(hash) | node);
    }

    /**
     * The zone with its answers compiled, in memory of its own: the same layout, each node's
     * answers offset set and the answers and the negative answer after the slots.
     *
     * @param answersAt for each node in layout order ({@link CompiledZone#firstNode()} on), where its
     *     answers start in {@code answers}, or {@link PrecompiledAnswers#NOT_COMPILED}
     */
    public static CompiledZone withAnswers(CompiledZone zone, List<ByteBuffer> answers, NegativeAnswer negative,
                                           int[] answersAt) {
        MemorySegment plain = zone.layout();
        ByteBuffer tail = negative(negative);
        long answersLength = 0;
        for (ByteBuffer part : answers) {
            answersLength += part.remaining();
        }
        MemorySegment layout = Arena.ofAuto().allocate(plain.byteSize() + answersLength + tail.remaining(), 8);
        MemorySegment.copy(plain, 0, layout, 0, plain.byteSize());
        long at = plain.byteSize();
        for (ByteBuffer part : answers) {
            MemorySegment.copy(MemorySegment.ofBuffer(part), 0, layout, at, part.remaining());
            at += part.remaining();
        }
        MemorySegment.copy(MemorySegment.ofBuffer(tail), 0, layout, at, tail.remaining());
        setAnswers(new CompiledZone(layout), answersLength, tail.remaining(), answersAt);
        return new CompiledZone(layout);
    }

    /** The zone's negative answer as it follows the answers in the layout; nothing when it has none. */
    public static ByteBuffer negative(NegativeAnswer negative) {
        return ByteBuffer.wrap(negative == null ? new byte[0] : negative.toLayout());
    }

    /**
     * Points a plain layout ({@link #write}) at the answers and the negative answer that follow it
     * ({@link #negative}): the header's lengths and offsets and each node's answers
     * offset, all in the plain part, which is all {@code zone} needs to cover.
     *
     * @param answersAt for each node in layout order ({@link CompiledZone#firstNode()} on), where its
     *     answers start among the answers, or {@link PrecompiledAnswers#NOT_COMPILED}
     */
    public static void setAnswers(CompiledZone zone, long answersLength, long negativeLength, int[] answersAt) {
        if (answersAt.length != zone.nodeCount()) {
            throw new IllegalArgumentException(answersAt.length + " answer offsets for " + zone.nodeCount() + " nodes");
        }
        MemorySegment layout = zone.layout();
        int i = 0;
        for (long node = zone.firstNode(); node < zone.nodesEnd(); node = zone.nextNode(node)) {
            layout.set(U32, node + 4, answersAt[i++]);
        }
        setLengths(layout, answersLength, negativeLength);
    }

    /** Marks the layout as written with its answers deferred ({@link CompiledZone#answersDeferred}). */
    public static void deferAnswers(CompiledZone zone) {
        zone.layout().set(U32, FLAGS, ANSWERS_DEFERRED);
    }

    /**
     * The zone in {@code copy}, a copy this process made of a checked layout whose answers were
     * deferred, marked as having them now, for its answers to be compiled over it.
     */
    public static CompiledZone answersUndeferred(MemorySegment copy) {
        copy.set(U32, FLAGS, 0);
        return new CompiledZone(copy);
    }

    /** The header's lengths and offsets of the answers and the negative answer after the plain layout. */
    private static void setLengths(MemorySegment layout, long answersLength, long negativeLength) {
        long plainLength = layout.get(U64, ANSWERS);
        layout.set(U64, LENGTH, plainLength + answersLength + negativeLength);
        layout.set(U64, ANSWERS_LENGTH, answersLength);
        layout.set(U64, NEGATIVE, plainLength + answersLength);
        layout.set(U32, NEGATIVE_LENGTH, (int) negativeLength);
    }

    /**
     * Points a patched layout ({@link LayoutPatch}) at its answers: the previous compile's and those
     * compiled for it after them, {@code answersLength} octets in all, then the negative answer;
     * and each of {@code nodes} at its answers among them.
     */
    public static void setPatchedAnswers(CompiledZone zone, long[] nodes, int[] answersAt, long answersLength,
                                         long negativeLength) {
        MemorySegment layout = zone.layout();
        for (int i = 0; i < nodes.length; i++) {
            layout.set(U32, nodes[i] + 4, answersAt[i]);
        }
        setLengths(layout, answersLength, negativeLength);
    }

    static long nodeSize(Node node) {
        long size = NODE_FIXED + node.key().length + (node.owner() == node.key() ? 0 : node.owner().length);
        for (RRset rrset : node.rrsets()) {
            size += RRSET_FIXED + rrset.data().length;
        }
        return size;
    }

    /** Writes the node at {@code at}; returns the offset after it. For the apex, notes where its SOA is. */
    static long writeNode(MemorySegment layout, long at, Node node, boolean apex) {
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
