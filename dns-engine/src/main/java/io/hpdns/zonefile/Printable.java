package io.hpdns.zonefile;

import java.nio.charset.StandardCharsets;

/**
 * Zone file text quoted in problem messages. A message goes to a terminal or a log, so bytes that
 * are not printable ASCII are written as RFC 1035 §5.1 {@code \DDD} escapes, never raw, and a long
 * token is cut short.
 */
final class Printable {
    /** Characters of quoted text kept before it is cut and ended with "...". */
    static final int MAX_CHARS = 100;

    private Printable() {}

    static String of(byte[] text, int from, int to) {
        StringBuilder sb = new StringBuilder(Math.min(to - from, MAX_CHARS) + 8);
        for (int p = from; p < to; p++) {
            if (sb.length() >= MAX_CHARS) {
                return sb.append("...").toString();
            }
            int c = text[p] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10))
                        .append((char) ('0' + c % 10));
            }
        }
        return sb.toString();
    }

    static String of(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return of(b, 0, b.length);
    }
}
