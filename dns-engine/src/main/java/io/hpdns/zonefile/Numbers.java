package io.hpdns.zonefile;

/** Decimal numbers and TTLs of master file text, read from a byte range without a String. */
final class Numbers {
    /** RFC 2181 §8: TTLs above 2^31 - 1 are read as this (dnsjava clamps them, as BIND does). */
    static final long MAX_TTL = 0x7FFFFFFFL;
    static final long NOT_A_NUMBER = -1;

    private Numbers() {}

    /** An unsigned decimal of at most {@code max}, or {@link #NOT_A_NUMBER}. */
    static long unsigned(byte[] text, int from, int to, long max) {
        if (from == to || to - from > 19) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int p = from; p < to; p++) {
            int d = text[p] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_NUMBER;
            }
            value = value * 10 + d;
        }
        return value <= max ? value : NOT_A_NUMBER;
    }

    /**
     * A TTL: seconds, or a sum of numbers each followed by a unit ({@code 1h30m}; W, D, H, M, S in
     * either case), as BIND writes them and dnsjava reads them; {@link #NOT_A_NUMBER} if the text is
     * not one. As in dnsjava, digits after the last unit are ignored once a unit was seen.
     *
     * @param clamp whether values above {@link #MAX_TTL} (a TTL) are read as it, else (a SOA timer)
     *     taken as they are up to 2^32 - 1
     */
    static long ttl(byte[] text, int from, int to, boolean clamp) {
        if (from == to || text[from] < '0' || text[from] > '9') {
            return NOT_A_NUMBER;
        }
        long value = 0;
        long ttl = 0;
        for (int p = from; p < to; p++) {
            int c = text[p];
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (value > 0xFFFFFFFFL) {
                    return NOT_A_NUMBER;
                }
                continue;
            }
            long seconds = switch (c | 0x20) {
                case 'w' -> 604800;
                case 'd' -> 86400;
                case 'h' -> 3600;
                case 'm' -> 60;
                case 's' -> 1;
                default -> -1;
            };
            if (seconds < 0) {
                return NOT_A_NUMBER;
            }
            ttl += value * seconds;
            value = 0;
            if (ttl > 0xFFFFFFFFL) {
                return NOT_A_NUMBER;
            }
        }
        if (ttl == 0) {
            ttl = value;
        }
        return clamp ? Math.min(ttl, MAX_TTL) : ttl;
    }
}
