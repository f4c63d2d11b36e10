package io.hpdns.zone;

import java.util.Arrays;

/**
 * A lowercased wire-format name, or a suffix of one, as a hash key while a zone is built: the
 * parent of a name is the same array from its second label on, so walking up the tree copies no
 * bytes.
 */
final class OwnerKey {
    final byte[] name;
    final int off;
    private final int labels;
    private final int hash;

    OwnerKey(byte[] name, int off) {
        this(name, off, countLabels(name, off));
    }

    private OwnerKey(byte[] name, int off, int labels) {
        this.name = name;
        this.off = off;
        this.labels = labels;
        int h = 1;
        for (int i = off; i < name.length; i++) {
            h = 31 * h + name[i];
        }
        this.hash = h;
    }

    private static int countLabels(byte[] name, int off) {
        int count = 0;
        for (int p = off; name[p] != 0; p += (name[p] & 0xff) + 1) {
            count++;
        }
        return count;
    }

    /** Labels below the root. */
    int labels() {
        return labels;
    }

    /** The name one label up; must not be called on the root. */
    OwnerKey parent() {
        return new OwnerKey(name, off + (name[off] & 0xff) + 1, labels - 1);
    }

    /** The key as an array of its own (a copy when this is a suffix). */
    byte[] bytes() {
        return off == 0 ? name : Arrays.copyOfRange(name, off, name.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OwnerKey k && hash == k.hash
                && Arrays.equals(name, off, name.length, k.name, k.off, k.name.length);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return io.hpdns.wire.WireNames.toString(name, off);
    }
}
