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
 * <p>Each slot holds a key and its value side by side in one array, so a lookup that finds its
 * name reads two cache lines of the table's (the slot's and the key's octets) and the value comes
 * with the slot; beside it a 16-bit tag from the name's hash, read alongside, lets a probe that
 * meets another name pass it without reading its octets. The table is filled in the order of the
 * entries' home slots, so its reference stores run through it in order: stored at random places, a
 * million of them cost G1 a card-table update and remembered-set work each, a second and a half
 * of a zone load on one CPU. At most three quarters full, it takes 10 bytes per slot, 13 to 27 per
 * name.
 */
final class NameTable<V> {
    /** 2^32 / golden ratio: Fibonacci hashing spreads the hash over the slot index's bits. */
    private static final int FIBONACCI = 0x9E3779B9;
    /** FNV-1a. */
    static final int HASH_BASIS = 0x811c9dc5;
    static final int HASH_PRIME = 0x01000193;

    /** Slot {@code s}: its key at {@code 2s} (null when empty), its value at {@code 2s + 1}. */
    private final Object[] table;
    /** Slot {@code s}: the top 16 bits of its key's hash. */
    private final short[] tags;
    /** {@code 32 - log2(slots)}: a name's home slot is the top bits of its mixed hash. */
    private final int shift;
    private final int size;

    /** Builds the table from parallel arrays of lowercased names and their values. */
    NameTable(byte[][] names, Object[] vals, int count) {
        this(names, vals, hashes(names, count), count);
    }

    /** As above, with each name's {@link #hash} already known. */
    NameTable(byte[][] names, Object[] vals, int[] hashes, int count) {
        // At most three quarters full: the tags keep the longer probes of a miss (NXDOMAIN, the
        // closest-encloser walk) to reading a few slots, mostly in one cache line.
        int capacity = Integer.highestOneBit(Math.max(2, count + count / 3)) << 1;
        table = new Object[capacity * 2];
        tags = new short[capacity];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
        size = count;
        // Counting sort of the entries by home slot, then linear probing in that order.
        int[] start = new int[capacity + 1];
        for (int i = 0; i < count; i++) {
            start[home(hashes[i]) + 1]++;
        }
        for (int s = 0; s < capacity; s++) {
            start[s + 1] += start[s];
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[start[home(hashes[i])]++] = i;
        }
        int mask = capacity - 1;
        for (int i : order) {
            int slot = home(hashes[i]);
            while (table[2 * slot] != null) {
                slot = (slot + 1) & mask;
            }
            table[2 * slot] = names[i];
            table[2 * slot + 1] = vals[i];
            tags[slot] = tag(hashes[i]);
        }
    }

    private NameTable(NameTable<?> other, Object[] table) {
        this.table = table;
        this.tags = other.tags;
        this.shift = other.shift;
        this.size = other.size;
    }

    /**
     * The same names with other values: {@code vals[i]} replaces the i-th value in the order of
     * {@link #values()}. The keys and hash tags are shared.
     */
    NameTable<V> withValues(Object[] vals) {
        Object[] replaced = table.clone();
        for (int s = 0, i = 0; s < replaced.length; s += 2) {
            if (replaced[s] != null) {
                replaced[s + 1] = vals[i++];
            }
        }
        return new NameTable<>(this, replaced);
    }

    /** The value for the lowercased name {@code buf[off..off+len)}, or null. */
    @SuppressWarnings("unchecked")
    V get(byte[] buf, int off, int len) {
        int h = hash(buf, off, len);
        short tag = tag(h);
        int mask = tags.length - 1;
        int slot = home(h);
        Object k;
        while ((k = table[2 * slot]) != null) {
            if (tags[slot] == tag) {
                byte[] key = (byte[]) k;
                if (key.length == len && Arrays.equals(key, 0, len, buf, off, off + len)) {
                    return (V) table[2 * slot + 1];
                }
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private int home(int hash) {
        return (hash * FIBONACCI) >>> shift;
    }

    private static short tag(int hash) {
        return (short) (hash >>> 16);
    }

    /** Every value, in table order (no particular order); a new list, for cold paths only. */
    @SuppressWarnings("unchecked")
    List<V> values() {
        List<V> all = new ArrayList<>(size);
        for (int s = 0; s < table.length; s += 2) {
            if (table[s] != null) {
                all.add((V) table[s + 1]);
            }
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
