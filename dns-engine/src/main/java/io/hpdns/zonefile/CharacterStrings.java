package io.hpdns.zonefile;

/**
 * Decodes the text of a {@code <character-string>} (RFC 1035 §5.1): octets as written, a
 * {@code \DDD} escape as the octet of that decimal value, {@code \X} as X.
 */
final class CharacterStrings {
    private CharacterStrings() {}

    /** Appends the octets of {@code text[from..to)} to {@code out}; returns how many. */
    static int decode(byte[] text, int from, int to, RdataBuffer out) throws ScanException {
        int start = out.position();
        for (int p = from; p < to; ) {
            int c = text[p++] & 0xff;
            if (c == '\\') {
                if (p == to) {
                    throw new ScanException("a backslash at the end of " + Printable.of(text, from, to));
                }
                c = text[p] & 0xff;
                if (c >= '0' && c <= '9') {
                    if (p + 3 > to || !isDigit(text[p + 1]) || !isDigit(text[p + 2])) {
                        throw new ScanException("an escape that is not \\DDD in " + Printable.of(text, from, to));
                    }
                    c = (c - '0') * 100 + (text[p + 1] - '0') * 10 + (text[p + 2] - '0');
                    if (c > 255) {
                        throw new ScanException("an escape above \\255 in " + Printable.of(text, from, to));
                    }
                    p += 3;
                } else {
                    p++;
                }
            }
            out.u8(c);
        }
        return out.position() - start;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
