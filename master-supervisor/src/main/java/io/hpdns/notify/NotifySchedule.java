package io.hpdns.notify;

import java.time.Duration;

/**
 * How long to wait for a NOTIFY's answer before sending it again, and how often to try. RFC 1996
 * §3.6: the primary retransmits until the secondary answers or a number of tries is reached; the
 * wait doubles after each try, so a secondary that is briefly down is not flooded.
 *
 * @param firstWait how long the first try waits for an answer
 * @param tries how many times the NOTIFY is sent at most
 */
public record NotifySchedule(Duration firstWait, int tries) {

    /** 1 s, 2 s, 4 s, 8 s, 16 s: about half a minute before giving up. */
    public static final NotifySchedule DEFAULT = new NotifySchedule(Duration.ofSeconds(1), 5);

    public NotifySchedule {
        if (firstWait.isNegative() || firstWait.isZero()) {
            throw new IllegalArgumentException("the first wait must be positive, got " + firstWait);
        }
        if (tries < 1) {
            throw new IllegalArgumentException("at least one try, got " + tries);
        }
    }

    /** The wait of try {@code attempt} (from 1): the first wait, doubled for each try before it. */
    public Duration waitOf(int attempt) {
        return firstWait.multipliedBy(1L << Math.min(attempt - 1, 20));
    }
}
