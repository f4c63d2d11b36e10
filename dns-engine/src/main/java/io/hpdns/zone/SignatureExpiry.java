package io.hpdns.zone;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The signatures of a zone that expire soon or have expired, seen as its file is loaded: one
 * warning for each kind, with the first such record's {@code file:line}, so that an operator hears
 * before validating resolvers start answering SERVFAIL (the most common DNSSEC outage).
 * {@code hpdns check-zone --dnssec} reports each signature.
 */
final class SignatureExpiry {
    /** How long before a signature expires its zone is warned about. */
    static final Duration WARNING = Duration.ofDays(7);
    /** RRSIG rdata: type covered, algorithm, labels, original TTL, then the expiration (RFC 4034 §3.1). */
    private static final int EXPIRATION = 8;

    private final long now;
    private int expired;
    private String firstExpired;
    private int expiring;
    private String firstExpiring;
    private long soonest = Long.MAX_VALUE;

    SignatureExpiry(Instant now) {
        this.now = now.getEpochSecond();
    }

    /** An RRSIG's rdata at {@code data[at..at+length)}, written at {@code file:line}. */
    void signature(byte[] data, int at, int length, String file, int line) {
        if (length < EXPIRATION + 4) {
            return;
        }
        int p = at + EXPIRATION;
        long expiration = ((long) (data[p] & 0xff) << 24) | ((data[p + 1] & 0xff) << 16)
                | ((data[p + 2] & 0xff) << 8) | (data[p + 3] & 0xff);
        // RFC 4034 §3.1.5: 32-bit serial arithmetic, the time closest to now.
        long left = (int) (expiration - now);
        if (left <= 0) {
            if (expired++ == 0) {
                firstExpired = file + ":" + line;
            }
        } else if (left < WARNING.getSeconds()) {
            if (expiring++ == 0) {
                firstExpiring = file + ":" + line;
            }
            soonest = Math.min(soonest, now + left);
        }
    }

    private static String signatures(int count) {
        return count + (count == 1 ? " signature" : " signatures");
    }

    /** The warnings, added to {@code problems}. */
    void report(String file, List<ZoneProblem> problems) {
        if (expired > 0) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.WARNING, file, 0, signatures(expired)
                    + " expired, the first at " + firstExpired + ": validating resolvers answer SERVFAIL for what they sign"));
        }
        if (expiring > 0) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.WARNING, file, 0, signatures(expiring)
                    + " expiring within " + WARNING.toDays() + " days, the first on " + Instant.ofEpochSecond(soonest)
                    + " (" + firstExpiring + "): sign the zone again"));
        }
    }
}
