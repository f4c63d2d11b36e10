package io.hpdns.zonefile;

import java.util.Arrays;

/**
 * The type bit maps of NSEC (RFC 4034 §4.1.2) and NSEC3 (RFC 5155 §3.2.1): the types written at
 * the end of the record, as windows of 256 types, each with only the octets it needs.
 */
final class TypeBitmap {
    private int[] types = new int[32];

    void read(Fields f) throws ScanException {
        int count = 0;
        while (f.more()) {
            int type = Mnemonics.type(f.text(), f.start(), f.end());
            if (type < 0) {
                throw new ScanException("unknown type " + f.token() + " in the type bit map");
            }
            if (count == types.length) {
                types = Arrays.copyOf(types, count * 2);
            }
            types[count++] = type;
        }
        Arrays.sort(types, 0, count);
        RdataBuffer out = f.out;
        int i = 0;
        while (i < count) {
            int window = types[i] >>> 8;
            int lengthAt = out.position() + 1;
            out.u8(window);
            out.u8(0);
            int bitmapAt = out.position();
            int octets = 0;
            for (; i < count && types[i] >>> 8 == window; i++) {
                int bit = types[i] & 0xFF;
                while (octets <= bit >>> 3) {
                    out.u8(0);
                    octets++;
                }
                int at = bitmapAt + (bit >>> 3);
                out.u8At(at, out.array()[at] | 0x80 >>> (bit & 7));
            }
            out.u8At(lengthAt, octets);
        }
    }
}
