package io.hpdns.zonefile;

import io.hpdns.wire.WireNames;
import java.util.Arrays;

/**
 * The rdata of the record being read, in wire form, reused from record to record. Laid out as
 * the zone builder takes it: a 16-bit length and the rdata, then, once {@link #finish}ed, the same
 * again in canonical form (RFC 4034 §6.2: the names of the rdata lowercased), which tells duplicate
 * records apart.
 */
final class RdataBuffer {
    /** RFC 1035 §3.2.1: RDLENGTH is 16 bits. */
    static final int MAX_RDATA = 0xFFFF;

    private byte[] buf = new byte[4096];
    private int len;
    /** Offsets of the names that the canonical form lowercases. */
    private int[] names = new int[8];
    private int nameCount;
    private int rdataEnd;

    void reset() {
        len = 2;
        nameCount = 0;
    }

    byte[] array() {
        return buf;
    }

    int rdataLength() {
        return len - 2;
    }

    /** The offset just past the rdata, where its canonical form's length is. */
    int rdataEnd() {
        return rdataEnd;
    }

    /** The offset just past the canonical form. */
    int canonicalEnd() {
        return len;
    }

    void u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    void u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    void u32(long v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    void bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /** Writes an octet at an offset already written, for a length known only afterwards. */
    void u8At(int at, int v) {
        buf[at] = (byte) v;
    }

    /** Moves what was written from {@code at} on by {@code n} octets, which become zeros. */
    void insertZeros(int at, int n) {
        ensure(n);
        System.arraycopy(buf, at, buf, at + n, len - at);
        Arrays.fill(buf, at, at + n, (byte) 0);
        len += n;
    }

    /** Drops what was written from {@code at} on. */
    void truncate(int at) {
        len = at;
    }

    int position() {
        return len;
    }

    /**
     * Writes a domain name, uncompressed and in its letter case.
     *
     * @param lowercased whether the canonical form lowercases it (RFC 4034 §6.2, RFC 6840 §5.1)
     */
    void name(byte[] text, int from, int to, byte[] origin, boolean lowercased) throws ScanException {
        ensure(NameParser.ROOM);
        int at = len;
        len = NameParser.parse(text, from, to, origin, buf, at);
        if (lowercased) {
            if (nameCount == names.length) {
                names = Arrays.copyOf(names, nameCount * 2);
            }
            names[nameCount++] = at;
        }
    }

    /** Writes the rdata's length before it and the canonical form after it. */
    void finish() {
        int n = len - 2;
        buf[0] = (byte) (n >>> 8);
        buf[1] = (byte) n;
        rdataEnd = len;
        ensure(n + 2);
        System.arraycopy(buf, 0, buf, len, n + 2);
        int shift = len;
        len += n + 2;
        for (int i = 0; i < nameCount; i++) {
            WireNames.copyLower(buf, names[i] + shift, buf, names[i] + shift);
        }
    }

    /** As {@link #finish}, with a canonical form made elsewhere. */
    void finish(byte[] canonical) {
        int n = len - 2;
        buf[0] = (byte) (n >>> 8);
        buf[1] = (byte) n;
        rdataEnd = len;
        u16(canonical.length);
        bytes(canonical, 0, canonical.length);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
