package io.hpdns.zonefile;

/**
 * Reads a domain name in master file form (RFC 1035 §5.1) into uncompressed wire form, letter
 * case kept: {@code @} is the origin, a name without a final dot is relative to it, and
 * {@code \X} and {@code \DDD} escapes stand for any octet of a label.
 *
 * <p>A raw control byte is refused even where an escape could carry it: it is almost always a
 * damaged file (a NUL from a bad copy, a stray escape sequence) and, printed raw in a log or an
 * answer, harmful.
 */
final class NameParser {
    /** RFC 1035 §2.3.4. */
    static final int MAX_LABEL = 63;
    static final int MAX_NAME = 255;
    /** Room a caller leaves at {@code at} for any name this writes: one label may overrun before it is refused. */
    static final int ROOM = MAX_NAME + MAX_LABEL + 2;

    private NameParser() {}

    /**
     * Writes the name {@code text[from..to)} at {@code out[at..]}, which has {@link #ROOM} octets;
     * returns the offset just past it.
     *
     * @param origin the absolute name, in wire form, that relative names end in
     */
    static int parse(byte[] text, int from, int to, byte[] origin, byte[] out, int at) throws ScanException {
        if (to - from == 1 && text[from] == '@') {
            System.arraycopy(origin, 0, out, at, origin.length);
            return at + origin.length;
        }
        if (from == to) {
            throw new ScanException("empty name");
        }
        if (to - from == 1 && text[from] == '.') {
            out[at] = 0;
            return at + 1;
        }
        int w = at;
        int labelAt = w++;
        for (int p = from; p < to; ) {
            int c = text[p++] & 0xff;
            if (c == '.') {
                if (w == labelAt + 1) {
                    throw bad("an empty label", text, from, to);
                }
                out[labelAt] = (byte) (w - labelAt - 1);
                if (p == to) {
                    // A final dot: the name is absolute.
                    out[w] = 0;
                    return checkLength(w + 1 - at, text, from, to) + at;
                }
                labelAt = w++;
                checkLength(w - at, text, from, to);
                continue;
            }
            if (c == '\\') {
                if (p == to) {
                    throw bad("a backslash at its end", text, from, to);
                }
                c = text[p] & 0xff;
                if (isDigit(c)) {
                    if (p + 3 > to || !isDigit(text[p + 1]) || !isDigit(text[p + 2])) {
                        throw bad("an escape that is not \\DDD", text, from, to);
                    }
                    c = (c - '0') * 100 + (text[p + 1] - '0') * 10 + (text[p + 2] - '0');
                    if (c > 255) {
                        throw bad("an escape above \\255", text, from, to);
                    }
                    p += 3;
                } else {
                    p++;
                }
            } else if (c < 0x20 || c == 0x7f) {
                throw bad("the control character " + Printable.of(text, p - 1, p) + " (write it as \\DDD)",
                        text, from, to);
            }
            if (w - labelAt - 1 == MAX_LABEL) {
                throw bad("a label longer than 63 octets (RFC 1035 §2.3.4)", text, from, to);
            }
            out[w++] = (byte) c;
        }
        out[labelAt] = (byte) (w - labelAt - 1);
        checkLength(w + origin.length - at, text, from, to);
        System.arraycopy(origin, 0, out, w, origin.length);
        return w + origin.length;
    }

    private static int checkLength(int length, byte[] text, int from, int to) throws ScanException {
        if (length > MAX_NAME) {
            throw bad("more than 255 octets (RFC 1035 §2.3.4)", text, from, to);
        }
        return length;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static ScanException bad(String why, byte[] text, int from, int to) {
        return new ScanException("bad name " + Printable.of(text, from, to) + ": " + why);
    }
}
