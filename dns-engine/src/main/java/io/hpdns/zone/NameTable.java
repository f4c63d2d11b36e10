package io.hpdns.zone;

import io.hpdns.wire.WireNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable open-addressing hash table from lowercased wire-format names to values, looked up
 * straight from a range of a byte array so the query path makes no key objects.
 *
 * <p>Keys and values sit side by side in one array, in the order given; the hash slots are
 * {@code int}s holding an entry's index and, in the bits the index does not need, a tag from the
 * name's hash, so a probe that meets another name rarely reads that name's bytes. Filling a table
 * of a million names thus writes no object reference at a random place, which with G1 costs a
 * card-table update and remembered-set work per store, and its references stay in the order their
 * objects were allocated, which halves the full collection after a load (it fixes them up in
 * order). The price is one more dependent read per lookup than slots holding the keys themselves
 * (slot, entry, key octets). The table takes 13 to 19 bytes per name rather than the 16 to 32 of
 * two reference arrays at most half full.
 */
final class NameTable<V> {
    /** 2^32 / golden ratio: Fibonacci hashing spreads the hash over the slot index's bits. */
    private static final int FIBONACCI = 0x9E3779B9;

    /** Per slot: 0 when empty, else {@code tag | (entry index + 1)}. */
    private final int[] slots;
    /** Entry {@code i}: its key at {@code 2i}, its value at {@code 2i + 1}. */
    private final Object[] entries;
    /** {@code 32 - log2(slots.length)}: a slot is the top bits of the mixed hash. */
    private final int shift;
    /** Low bits of a slot that hold the entry index + 1; the bits above hold the tag. */
    private final int indexBits;

    /** FNV-1a. */
    static final int HASH_BASIS = 0x811c9dc5;
    static final int HASH_PRIME = 0x01000193;

    /** Builds the table from parallel arrays of lowercased names and their values. */
    NameTable(byte[][] names, Object[] vals, int count) {
        this(names, vals, hashes(names, count), count);
    }

    /** As above, with each name's {@link #hash} already known. */
    NameTable(byte[][] names, Object[] vals, int[] hashes, int count) {
        // At most three quarters full: the tags keep the longer probes of a miss (NXDOMAIN, the
        // closest-encloser walk) to reading a few slots, mostly in one cache line.
        int capacity = Integer.highestOneBit(Math.max(2, count + count / 3)) << 1;
        slots = new int[capacity];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
        indexBits = 32 - Integer.numberOfLeadingZeros(count);
        entries = new Object[count * 2];
        int mask = capacity - 1;
        for (int i = 0; i < count; i++) {
            byte[] key = names[i];
            entries[2 * i] = key;
            entries[2 * i + 1] = vals[i];
            int h = hashes[i];
            int slot = (h * FIBONACCI) >>> shift;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = (h << indexBits) | (i + 1);
        }
    }

    /** The value for the lowercased name {@code buf[off..off+len)}, or null. */
    @SuppressWarnings("unchecked")
    V get(byte[] buf, int off, int len) {
        int h = hash(buf, off, len);
        int tag = h << indexBits;
        int mask = slots.length - 1;
        int slot = (h * FIBONACCI) >>> shift;
        int s;
        while ((s = slots[slot]) != 0) {
            if ((s ^ tag) >>> indexBits == 0) {
                int entry = 2 * ((s & ((1 << indexBits) - 1)) - 1);
                byte[] key = (byte[]) entries[entry];
                if (key.length == len && Arrays.equals(key, 0, len, buf, off, off + len)) {
                    return (V) entries[entry + 1];
                }
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    /** How many names the table holds. */
    int size() {
        return entries.length / 2;
    }

    /** Every value, in the order the table was built from; a new list, for cold paths only. */
    @SuppressWarnings("unchecked")
    List<V> values() {
        List<V> all = new ArrayList<>(entries.length / 2);
        for (int i = 1; i < entries.length; i += 2) {
            all.add((V) entries[i]);
        }
        return Collections.unmodifiableList(all);
    }

    /** FNV-1a over the octets: cheap and, mixed by Fibonacci hashing, well spread over wire names. */
    static int hash(byte[] b, int off, int len) {
        int h = HASH_BASIS;
        for (int i = off; i < off + len; i++) {
            h = (h ^ (b[i] & 0xff)) * HASH_PRIME;
        }
        return h;
    }

    private static int[] hashes(byte[][] names, int count) {
        int[] hashes = new int[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = hash(names[i], 0, names[i].length);
        }
        return hashes;
    }

    /** Lowercased copy of an uncompressed wire name. */
    static byte[] key(byte[] name) {
        byte[] k = new byte[name.length];
        WireNames.copyLower(name, 0, k, 0);
        return k;
    }
}
