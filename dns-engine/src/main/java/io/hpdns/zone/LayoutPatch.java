package io.hpdns.zone;

import static io.hpdns.zone.CompiledZone.*;

import io.hpdns.wire.DnsConstants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a zone's layout as its previous compile's with the nodes of a {@link ZonePatch} in place
 * of the ones they replace and the new ones after the others, followed by the previous compile's
 * answers, as they were (the SOA's serial aside): the nodes that did not change are copied in
 * runs, offsets moved along, and keep their answers where they stand. The answers of the nodes
 * written, and of the nodes whose answers depend on them, are compiled after it
 * ({@code AnswerPatch.patchImage}).
 */
public final class LayoutPatch {
    private final CompiledZone previous;
    /** The changes that replace a node, by the replaced node's offset. */
    private final List<ZonePatch.Change> replaced = new ArrayList<>();
    private final List<ZonePatch.Change> added = new ArrayList<>();
    private final List<ZonePatch.Removal> removals;
    /**
     * Where each node replaced or removed was, in order; what replaces it (null: nothing); and how
     * far the nodes after it move.
     */
    private final long[] at;
    private final ZonePatch.Change[] by;
    private final long[] shiftAfter;
    private final long plainSize;

    public LayoutPatch(CompiledZone previous, List<ZonePatch.Change> changes, List<ZonePatch.Removal> removals) {
        this.previous = previous;
        this.removals = removals;
        for (ZonePatch.Change change : changes) {
            (change.previous() == NONE ? added : replaced).add(change);
        }
        replaced.sort(Comparator.comparingLong(ZonePatch.Change::previous));
        TreeMap<Long, ZonePatch.Change> edits = new TreeMap<>();
        for (ZonePatch.Removal removal : removals) {
            edits.put(removal.previous(), null);
        }
        for (ZonePatch.Change change : replaced) {
            edits.put(change.previous(), change);
        }
        at = new long[edits.size()];
        by = new ZonePatch.Change[edits.size()];
        shiftAfter = new long[edits.size()];
        long shift = 0;
        int i = 0;
        for (Map.Entry<Long, ZonePatch.Change> edit : edits.entrySet()) {
            at[i] = edit.getKey();
            by[i] = edit.getValue();
            long size = by[i] == null ? 0 : CompiledZoneWriter.nodeSize(by[i].node());
            shift += size - (previous.nextNode(at[i]) - at[i]);
            shiftAfter[i++] = shift;
        }
        long size = previous.nodesEnd() + shift;
        for (ZonePatch.Change change : added) {
            size += CompiledZoneWriter.nodeSize(change.node());
        }
        this.plainSize = size + 8L * previous.slotCount();
    }

    /** Octets of the layout before the answers: header, origin, nodes and slots. */
    public long plainSize() {
        return plainSize;
    }

    /** Octets of the previous compile's answers, which follow the plain part in both. */
    public long previousAnswers() {
        return previous.layout().get(U64, ANSWERS_LENGTH);
    }

    /**
     * The new layout's file, into which the octets kept from the previous layout are copied in the
     * kernel, passing through no process's memory; what the patch changes is then written where
     * the new layout is mapped, a few pages of it.
     */
    @FunctionalInterface
    public interface Target {
        /** Copies the previous layout's octets {@code [from, from + length)} to the new one's {@code to}. */
        void copy(long from, long to, long length) throws IOException;
    }

    /**
     * Writes the layout before the answers into {@code layout} (mapped) and {@code target} (its
     * file), {@link #plainSize} octets: the previous nodes in runs, each node written anew in
     * place of the one it replaces or after the others, the hash slots with the offsets moved
     * along; the header's answers empty until the answers are written after it
     * ({@code CompiledZoneWriter.setPatchedAnswers}).
     *
     * @return the zone over {@code layout}, and the nodes written anew, replacing ones first, by
     *     where they are in it
     */
    public Written write(MemorySegment layout, Target target) throws IOException {
        long nodesAt = previous.firstNode();
        target.copy(0, 0, nodesAt);
        long[] written = new long[replaced.size() + added.size()];
        int count = 0;
        long from = nodesAt;
        long to = nodesAt;
        for (int i = 0; i < at.length; i++) {
            long run = at[i] - from;
            target.copy(from, to, run);
            to += run;
            if (by[i] != null) {
                written[count++] = to;
                to = writeNode(layout, to, by[i]);
            }
            from = previous.nextNode(at[i]);
        }
        target.copy(from, to, previous.nodesEnd() - from);
        to += previous.nodesEnd() - from;
        for (ZonePatch.Change change : added) {
            written[count++] = to;
            to = writeNode(layout, to, change);
        }
        long slotsAt = to;
        long records = previous.recordCount();
        for (long node : at) {
            records -= recordsOf(node);
        }
        for (int i = 0; i < written.length; i++) {
            Node node = (i < replaced.size() ? replaced.get(i) : added.get(i - replaced.size())).node();
            for (RRset rrset : node.rrsets()) {
                records += rrset.size();
            }
        }
        writeSlots(layout, target, slotsAt, written);
        layout.set(U32, NODE_COUNT, previous.nodeCount() + added.size() - removals.size());
        layout.set(U32, RECORD_COUNT, (int) records);
        layout.set(U64, SLOTS, slotsAt);
        layout.set(U64, APEX, moved(previous.apex()));
        if (!replacesApex()) {
            layout.set(U64, SOA, moved(previous.soa()));
        }
        layout.set(U64, DENIAL_CHAIN, plainSize);
        layout.set(U32, DENIAL_CHAIN_LENGTH, 0);
        layout.set(U64, NSEC3_NODES, plainSize);
        layout.set(U32, NSEC3_NODES_LENGTH, 0);
        layout.set(U64, ANSWERS, plainSize);
        layout.set(U64, ANSWERS_LENGTH, 0);
        layout.set(U64, NEGATIVE, plainSize);
        layout.set(U32, NEGATIVE_LENGTH, 0);
        layout.set(U64, LENGTH, plainSize);
        return new Written(new CompiledZone(layout), written);
    }

    /**
     * Writes the previous compile's answers after the plain layout, copied in the kernel, then
     * {@code serial} (four octets) at each of {@code serials} (offsets among the answers) where
     * {@code layout} maps them.
     */
    public void writeAnswers(MemorySegment layout, Target target, int[] serials, byte[] serial) throws IOException {
        target.copy(previous.layout().get(U64, ANSWERS), plainSize, previousAnswers());
        MemorySegment newSerial = MemorySegment.ofArray(serial);
        for (int at : serials) {
            MemorySegment.copy(newSerial, 0, layout, plainSize + at, serial.length);
        }
    }

    /**
     * The previous compile's hash slots, copied in the kernel and changed where {@code layout} maps
     * them (no buffer to zero, fill and write back: 16 MB for a million names): the nodes removed
     * taken out, every offset moved along, the nodes added put in.
     */
    private void writeSlots(MemorySegment layout, Target target, long slotsAt, long[] written) throws IOException {
        int slotCount = previous.slotCount();
        target.copy(previous.nodesEnd(), slotsAt, 8L * slotCount);
        MemorySegment slots = layout.asSlice(slotsAt, 8L * slotCount);
        for (ZonePatch.Removal removal : removals) {
            unindex(slots, slotCount, removal.key(), removal.previous());
        }
        for (long slot = 0; slot < slots.byteSize(); slot += 8) {
            long s = slots.get(U64, slot);
            if (s != 0) {
                slots.set(U64, slot, (s & ~OFFSET_MASK) | moved(s & OFFSET_MASK));
            }
        }
        for (int i = replaced.size(); i < written.length; i++) {
            CompiledZoneWriter.index(slots, 0, slotCount, added.get(i - replaced.size()).node().key(), written[i]);
        }
    }

    /**
     * Takes the node at {@code node} of the previous layout, of the lowercased name {@code key},
     * out of {@code slots}, moving each slot after it in its probe run back into the gap when its
     * home slot allows (deletion from linear probing: no tombstone, and every other name is still
     * found from its home slot).
     */
    private void unindex(MemorySegment slots, int slotCount, byte[] key, long node) {
        long mask = slotCount - 1;
        long gap = home(key, key.length, slotCount);
        while ((slots.get(U64, gap << 3) & OFFSET_MASK) != node) {
            gap = (gap + 1) & mask;
        }
        byte[] name = new byte[DnsConstants.MAX_NAME_LENGTH];
        for (long next = (gap + 1) & mask; ; next = (next + 1) & mask) {
            long s = slots.get(U64, next << 3);
            if (s == 0) {
                break;
            }
            long wanted = home(name, previous.copyName(previous.key(s & OFFSET_MASK), name, 0), slotCount);
            // The slot stays when its home lies cyclically after the gap, up to it.
            boolean stays = gap <= next ? gap < wanted && wanted <= next : gap < wanted || wanted <= next;
            if (!stays) {
                slots.set(U64, gap << 3, s);
                gap = next;
            }
        }
        slots.set(U64, gap << 3, 0);
    }

    /** The home slot of the lowercased name {@code key[0, length)} among {@code slotCount}. */
    private static long home(byte[] key, int length, int slotCount) {
        int hash = NameTable.hash(key, 0, length);
        return (hash * 0x9E3779B9) >>> (Integer.numberOfLeadingZeros(slotCount) + 1);
    }

    /** A patched layout: the zone over it, and the nodes written anew. */
    public record Written(CompiledZone zone, long[] nodes) {}

    private boolean replacesApex() {
        return replaces(previous.apex());
    }

    /** Whether the previous compile's node at {@code node} is replaced by one written anew. */
    public boolean replaces(long node) {
        int i = Arrays.binarySearch(at, node);
        return i >= 0 && by[i] != null;
    }

    /** Whether the previous compile's node at {@code node} is removed. */
    public boolean removes(long node) {
        int i = Arrays.binarySearch(at, node);
        return i >= 0 && by[i] == null;
    }

    /** Writes the change's node at {@code to}; returns where the next starts. */
    private long writeNode(MemorySegment layout, long to, ZonePatch.Change change) {
        return CompiledZoneWriter.writeNode(layout, to, change.node(), change.previous() == previous.apex());
    }

    /** Where the node of the previous layout at {@code node} is in the new one. */
    public long moved(long node) {
        int i = Arrays.binarySearch(at, node);
        int before = i >= 0 ? i - 1 : -i - 2;
        return node + (before < 0 ? 0 : shiftAfter[before]);
    }

    private int recordsOf(long node) {
        int records = 0;
        long rrset = previous.firstRRset(node);
        for (int i = previous.rrsetCount(node); i > 0; i--, rrset = previous.nextRRset(rrset)) {
            records += previous.size(rrset);
        }
        return records;
    }
}
