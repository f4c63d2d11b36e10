package io.hpdns.zone;

import io.hpdns.wire.WireNames;

/**
 * An immutable open-addressing hash table from lowercased wire-format names to values, looked up
 * straight from a range of a byte array so the query path makes no key objects.
 */
final class NameTable<V> {
    private final byte[][] keys;
    private final Object[] values;
    private final int mask;
    private final int size;

    /** Builds the table from parallel arrays of lowercased names and their values. */
    NameTable(byte[][] names, Object[] vals, int count) {
        int capacity = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        keys = new byte[capacity][];
        values = new Object[capacity];
        mask = capacity - 1;
        size = count;
        for (int i = 0; i < count; i++) {
            byte[] key = names[i];
            int slot = hash(key, 0, key.length) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = vals[i];
        }
    }

    private NameTable(NameTable<?> table, Object[] values) {
        this.keys = table.keys;
        this.values = values;
        this.mask = table.mask;
        this.size = table.size;
    }

    /**
     * The same names with other values: {@code vals[i]} replaces the i-th value in the order of
     * {@link #values()}. The key arrays are shared.
     */
    NameTable<V> withValues(Object[] vals) {
        Object[] replaced = new Object[keys.length];
        for (int slot = 0, i = 0; slot < keys.length; slot++) {
            if (keys[slot] != null) {
                replaced[slot] = vals[i++];
            }
        }
        return new NameTable<>(this, replaced);
    }

    /** The value for the lowercased name {@code buf[off..off+len)}, or null. */
    @SuppressWarnings("unchecked")
    V get(byte[] buf, int off, int len) {
        int slot = hash(buf, off, len) & mask;
        byte[] key;
        while ((key = keys[slot]) != null) {
            if (key.length == len && java.util.Arrays.equals(key, 0, len, buf, off, off + len)) {
                return (V) values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }


    /** Every value, in table order (no particular order); a new list, for cold paths only. */
    @SuppressWarnings("unchecked")
    java.util.List<V> values() {
        java.util.List<V> all = new java.util.ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                all.add((V) values[i]);
            }
        }
        return java.util.Collections.unmodifiableList(all);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = 0x811c9dc5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /** Lowercased copy of an uncompressed wire name. */
    static byte[] key(byte[] name) {
        byte[] k = new byte[name.length];
        WireNames.copyLower(name, 0, k, 0);
        return k;
    }
}
