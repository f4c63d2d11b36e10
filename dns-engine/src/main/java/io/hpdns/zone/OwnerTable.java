package io.hpdns.zone;

import io.hpdns.wire.WireNames;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The owner names of a zone, each once, in order of first appearance, found by name ignoring ASCII
 * case (RFC 4343) straight from a range of a byte array: a name written in a record or a suffix of
 * a stored one (its ancestors, when the zone is checked), with no key object. Gathered while the
 * zone is read, then the loaded {@link Zone}'s index of its nodes as it stands.
 *
 * <p>Laid out like {@link NameTable}: the nodes are appended to one array and the hash slots are
 * {@code int}s holding a node's index and a tag from its hash, so adding a million names writes no
 * object reference at a random place (with G1, a card-table update and remembered-set work per
 * store) and a probe that meets another name rarely reads that name.
 */
final class OwnerTable {
    private static final int FIBONACCI = 0x9E3779B9;

    private Node[] nodes;
    /** Each node's hash, for growing the slots without reading the nodes. */
    private int[] hashes;
    private int count;
    /** Per slot: 0 when empty, else {@code tag | (node index + 1)}. */
    private int[] slots;
    /** Low bits of a slot that hold the node index + 1: enough for half as many nodes as slots. */
    private int indexBits;

    /** @param expected names the zone is expected to hold; the table grows past it as needed */
    OwnerTable(int expected) {
        int capacity = Math.max(16, expected);
        nodes = new Node[capacity];
        hashes = new int[capacity];
        slots = new int[Integer.highestOneBit(capacity - 1) << 2];
        indexBits = Integer.numberOfTrailingZeros(slots.length);
    }

    int size() {
        return count;
    }

    Node get(int i) {
        return nodes[i];
    }

    /** Every node, in order of first appearance; a new list, for cold paths only. */
    List<Node> nodes() {
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(nodes, count)));
    }

    /** The node of the uncompressed name at {@code name[off..]}, in any letter case, or null. */
    Node find(byte[] name, int off) {
        int h = hash(name, off);
        int s = slots[probe(name, off, h)];
        return s == 0 ? null : nodes[(s & ((1 << indexBits) - 1)) - 1];
    }

    /** The node of the name at {@code name[off..]}, added (lowercased, an empty one) if missing. */
    Node intern(byte[] name, int off) {
        int h = hash(name, off);
        int slot = probe(name, off, h);
        int s = slots[slot];
        if (s != 0) {
            return nodes[(s & ((1 << indexBits) - 1)) - 1];
        }
        int len = WireNames.length(name, off);
        byte[] key = new byte[len];
        WireNames.copyLower(name, off, key, 0);
        // One array for both when the file wrote the name in lowercase, as it mostly does.
        byte[] owner = Arrays.equals(key, 0, len, name, off, off + len) ? key : Arrays.copyOfRange(name, off, off + len);
        Node node = new Node(owner, key);
        if (count == nodes.length) {
            nodes = Arrays.copyOf(nodes, count * 2);
            hashes = Arrays.copyOf(hashes, count * 2);
        }
        hashes[count] = h;
        nodes[count++] = node;
        if (count * 2 > slots.length) {
            grow();
        } else {
            slots[slot] = (h << indexBits) | count;
        }
        return node;
    }

    /** The slot holding the name, or the empty slot where it belongs. */
    private int probe(byte[] name, int off, int h) {
        int mask = slots.length - 1;
        int tag = h << indexBits;
        int slot = (h * FIBONACCI) >>> (32 - indexBits);
        int s;
        while ((s = slots[slot]) != 0) {
            if ((s ^ tag) >>> indexBits == 0
                    && WireNames.equalsIgnoreCase(nodes[(s & ((1 << indexBits) - 1)) - 1].key(), 0, name, off)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        slots = new int[slots.length * 2];
        indexBits++;
        int mask = slots.length - 1;
        for (int i = 0; i < count; i++) {
            int h = hashes[i];
            int slot = (h * FIBONACCI) >>> (32 - indexBits);
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = (h << indexBits) | (i + 1);
        }
    }

    /** {@link NameTable#hash} of the name lowercased, without copying it. */
    private static int hash(byte[] name, int off) {
        int h = NameTable.HASH_BASIS;
        for (int p = off; ; ) {
            int len = name[p] & 0xff;
            h = (h ^ len) * NameTable.HASH_PRIME;
            if (len == 0) {
                return h;
            }
            for (int end = p + 1 + len, i = p + 1; i < end; i++) {
                h = (h ^ WireNames.lower(name[i])) * NameTable.HASH_PRIME;
            }
            p += len + 1;
        }
    }
}
