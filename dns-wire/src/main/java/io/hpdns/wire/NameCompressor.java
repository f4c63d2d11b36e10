package io.hpdns.wire;

import java.util.Arrays;

/**
 * RFC 1035 §4.1.4 message compression for one response being written: remembers where each name
 * suffix already sits in the message, and its length uncompressed, and replaces a repeated suffix
 * by a two-octet pointer. Only a suffix of the same length can be the same, so only those are
 * compared octet by octet. Only offsets below 0x4000 can be pointed at. Allocation-free; reset
 * per message.
 */
final class NameCompressor {
    private static final int MAX_ENTRIES = 512;
    private static final int MAX_POINTER_TARGET = 0x3FFF;

    private final int[] positions = new int[MAX_ENTRIES];
    /** The length of each suffix, uncompressed. */
    private final int[] lengths = new int[MAX_ENTRIES];
    private int count;

    void reset() {
        count = 0;
    }

    int mark() {
        return count;
    }

    void rollback(int mark) {
        count = mark;
    }

    /**
     * Remembers that a name (or name suffix) of {@code length} octets, uncompressed, starts at
     * {@code pos} in the message.
     */
    void add(int pos, int length) {
        if (pos <= MAX_POINTER_TARGET && count < MAX_ENTRIES) {
            positions[count] = pos;
            lengths[count++] = length;
        }
    }

    /**
     * Writes the uncompressed name at {@code name[off]} into {@code out[pos]}, pointing at the
     * longest suffix already in the message. Returns the position after it, or -1 when it would
     * pass {@code limit}.
     */
    int write(byte[] out, int pos, int limit, byte[] name, int off) {
        int p = off;
        int remaining = WireNames.length(name, off);
        while (true) {
            int len = name[p] & 0xff;
            if (len == 0) {
                if (pos >= limit) {
                    return -1;
                }
                out[pos++] = 0;
                return pos;
            }
            int target = find(out, name, p, remaining);
            if (target >= 0) {
                if (pos + 2 > limit) {
                    return -1;
                }
                out[pos++] = (byte) (0xC0 | (target >>> 8));
                out[pos++] = (byte) target;
                return pos;
            }
            if (pos + len + 1 > limit) {
                return -1;
            }
            add(pos, remaining);
            System.arraycopy(name, p, out, pos, len + 1);
            pos += len + 1;
            p += len + 1;
            remaining -= len + 1;
        }
    }

    private int find(byte[] out, byte[] name, int off, int length) {
        for (int i = 0; i < count; i++) {
            if (lengths[i] == length && matches(out, positions[i], name, off)) {
                return positions[i];
            }
        }
        return -1;
    }

    /** Whether the (possibly compressed) name at {@code out[pos]} equals {@code name[off]}. */
    private static boolean matches(byte[] out, int pos, byte[] name, int off) {
        int p = pos;
        int q = off;
        while (true) {
            int len = out[p] & 0xff;
            if ((len & 0xC0) == 0xC0) {
                p = ((len & 0x3F) << 8) | (out[p + 1] & 0xff);
                continue;
            }
            if (len != (name[q] & 0xff)) {
                return false;
            }
            if (len == 0) {
                return true;
            }
            p++;
            q++;
            // Most often the same octets (an RRSIG's owner is the name of the RRset before it):
            // compared as a block, and letter by letter only from where they differ.
            int differ = Arrays.mismatch(out, p, p + len, name, q, q + len);
            if (differ >= 0) {
                for (int i = differ; i < len; i++) {
                    if (WireNames.lower(out[p + i]) != WireNames.lower(name[q + i])) {
                        return false;
                    }
                }
            }
            p += len;
            q += len;
        }
    }
}
