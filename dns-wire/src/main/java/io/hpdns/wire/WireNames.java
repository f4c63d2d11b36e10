package io.hpdns.wire;

/**
 * Operations on uncompressed wire-format domain names held in byte arrays (RFC 1035 §3.1): a
 * sequence of length-prefixed labels ending with the zero-length root label. Names are compared
 * case-insensitively for ASCII letters only (RFC 4343 §3).
 */
public final class WireNames {
    private WireNames() {}

    /** ASCII lowercase of one octet; other octets (including non-ASCII) are left alone (RFC 4343). */
    public static int lower(int b) {
        return (b >= 'A' && b <= 'Z') ? b + 32 : b & 0xff;
    }

    /** Length in octets of the uncompressed name starting at {@code off}, root label included. */
    public static int length(byte[] name, int off) {
        int p = off;
        int len;
        while ((len = name[p] & 0xff) != 0) {
            p += len + 1;
        }
        return p + 1 - off;
    }

    /** Number of labels, not counting the root label. */
    public static int labelCount(byte[] name, int off) {
        int count = 0;
        int p = off;
        int len;
        while ((len = name[p] & 0xff) != 0) {
            p += len + 1;
            count++;
        }
        return count;
    }

    /** Copies an uncompressed name, lowercased, into {@code dst}; returns its length. */
    public static int copyLower(byte[] src, int srcOff, byte[] dst, int dstOff) {
        int p = srcOff;
        int q = dstOff;
        int len;
        while ((len = src[p] & 0xff) != 0) {
            dst[q++] = (byte) len;
            p++;
            for (int i = 0; i < len; i++) {
                dst[q++] = (byte) lower(src[p++]);
            }
        }
        dst[q++] = 0;
        return q - dstOff;
    }

    /** Whether two uncompressed names are equal, ignoring ASCII case. */
    public static boolean equalsIgnoreCase(byte[] a, int aOff, byte[] b, int bOff) {
        int p = aOff;
        int q = bOff;
        while (true) {
            int len = a[p] & 0xff;
            if (len != (b[q] & 0xff)) {
                return false;
            }
            if (len == 0) {
                return true;
            }
            p++;
            q++;
            for (int i = 0; i < len; i++) {
                if (lower(a[p++]) != lower(b[q++])) {
                    return false;
                }
            }
        }
    }

    /**
     * Fills {@code starts} with the offset of every label of the name at {@code off}, leftmost
     * first, and returns the label count (root excluded). Suffix {@code i} of the name starts at
     * {@code starts[i]}.
     */
    public static int labelStarts(byte[] name, int off, int[] starts) {
        int count = 0;
        int p = off;
        int len;
        while ((len = name[p] & 0xff) != 0) {
            starts[count++] = p;
            p += len + 1;
        }
        starts[count] = p;
        return count;
    }

    /** The presentation form, for logs and errors only (allocates). */
    public static String toString(byte[] name, int off) {
        StringBuilder sb = new StringBuilder();
        int p = off;
        int len;
        while ((len = name[p] & 0xff) != 0) {
            p++;
            for (int i = 0; i < len; i++) {
                int c = name[p++] & 0xff;
                if (c == '.' || c == '\\') {
                    sb.append('\\').append((char) c);
                } else if (c > 0x20 && c < 0x7f) {
                    sb.append((char) c);
                } else {
                    sb.append('\\').append(String.format("%03d", c));
                }
            }
            sb.append('.');
        }
        return sb.isEmpty() ? "." : sb.toString();
    }
}
