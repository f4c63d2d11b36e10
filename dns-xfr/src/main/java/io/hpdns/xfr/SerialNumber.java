package io.hpdns.xfr;

/**
 * Serial number arithmetic of SOA serials (RFC 1982): 32-bit unsigned values on a circle, where
 * {@code a} is older than {@code b} when {@code b} is less than 2^31 ahead of it (§3.2). Two
 * serials exactly 2^31 apart are neither older nor newer.
 */
final class SerialNumber {

    private static final long HALF = 0x80000000L;

    private SerialNumber() {}

    /** Whether {@code b} is newer than {@code a} (RFC 1982 §3.2, "s1 < s2"). */
    static boolean newer(long a, long b) {
        long ahead = (b - a) & 0xffffffffL;
        return ahead != 0 && ahead < HALF;
    }

    /** Whether {@code b} is {@code a} or newer. */
    static boolean sameOrNewer(long a, long b) {
        return a == b || newer(a, b);
    }
}
