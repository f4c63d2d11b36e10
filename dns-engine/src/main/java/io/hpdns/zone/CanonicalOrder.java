package io.hpdns.zone;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hpdns.wire.DnsConstants;
import java.lang.foreign.MemorySegment;

/**
 * The canonical order of names (RFC 4034 §6.1), the order of an NSEC chain: labels compared from
 * the rightmost, each as a left-justified string of octets (lowercased), a label that is a prefix
 * of another sorting first, and a name that runs out of labels first sorting first.
 *
 * <p>An instance keeps scratch space for comparing a name with the names of a layout and is used by
 * one thread; it allocates nothing.
 */
public final class CanonicalOrder {
    private final long[] keyStarts = new long[DnsConstants.MAX_NAME_LENGTH / 2 + 1];

    /**
     * Compares the lowercased wire name {@code name}, whose labels start at
     * {@code starts[0..labels)}, with the lowercased wire name at {@code keyAt} in {@code layout}:
     * negative when {@code name} sorts first, 0 when they are the same name.
     */
    public int compare(byte[] name, int[] starts, int labels, MemorySegment layout, long keyAt) {
        int keyLabels = 0;
        long p = keyAt;
        int len;
        while ((len = layout.get(JAVA_BYTE, p) & 0xff) != 0) {
            keyStarts[keyLabels++] = p;
            p += len + 1;
        }
        int i = labels - 1;
        int k = keyLabels - 1;
        for (; i >= 0 && k >= 0; i--, k--) {
            int at = starts[i];
            int nameLen = name[at] & 0xff;
            long keyAtLabel = keyStarts[k];
            int keyLen = layout.get(JAVA_BYTE, keyAtLabel) & 0xff;
            int common = Math.min(nameLen, keyLen);
            for (int j = 1; j <= common; j++) {
                int d = (name[at + j] & 0xff) - (layout.get(JAVA_BYTE, keyAtLabel + j) & 0xff);
                if (d != 0) {
                    return d;
                }
            }
            if (nameLen != keyLen) {
                return nameLen - keyLen;
            }
        }
        return (i >= 0 ? 1 : 0) - (k >= 0 ? 1 : 0);
    }

    /**
     * A key for the lowercased wire name at {@code name[off..]} whose unsigned octet order
     * ({@link java.util.Arrays#compareUnsigned(byte[], byte[])}) is the canonical order of the
     * names: the labels from the rightmost, each ended by 0, its octets 0 and 1 escaped as 1 1 and
     * 1 2 so that the end of a label sorts before any octet. Cold path: sorting a zone's names.
     */
    public static byte[] sortKey(byte[] name, int off) {
        int[] starts = new int[DnsConstants.MAX_NAME_LENGTH / 2 + 1];
        int labels = 0;
        int size = 0;
        int p = off;
        int len;
        while ((len = name[p] & 0xff) != 0) {
            starts[labels++] = p;
            for (int j = 1; j <= len; j++) {
                size += (name[p + j] & 0xff) <= 1 ? 2 : 1;
            }
            size++;
            p += len + 1;
        }
        byte[] key = new byte[size];
        int q = 0;
        for (int i = labels - 1; i >= 0; i--) {
            int at = starts[i];
            for (int j = 1; j <= (name[at] & 0xff); j++) {
                int octet = name[at + j] & 0xff;
                if (octet <= 1) {
                    key[q++] = 1;
                    key[q++] = (byte) (octet + 1);
                } else {
                    key[q++] = (byte) octet;
                }
            }
            key[q++] = 0;
        }
        return key;
    }
}
