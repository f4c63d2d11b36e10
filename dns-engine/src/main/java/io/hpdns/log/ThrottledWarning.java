package io.hpdns.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN line for a fault that a client can trigger again and again (a packet, a connection): the
 * first occurrence is logged, then at most one line per interval carrying the count of the
 * occurrences in between, so a flood of bad input cannot flood the log. Safe for use by many
 * threads.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final String what;
    private final long intervalNanos;
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextReportNanos;

    public ThrottledWarning(Logger log, String what, Duration interval) {
        this.log = log;
        this.what = what;
        this.intervalNanos = interval.toNanos();
        this.nextReportNanos = new AtomicLong(System.nanoTime());
    }

    /**
     * @param detail this occurrence, in words (the client, the exception's message)
     * @param cause the exception behind it, logged with its stack trace; null when there is none
     */
    public void occurred(String detail, Throwable cause) {
        long now = System.nanoTime();
        long next = nextReportNanos.get();
        if (now - next < 0 || !nextReportNanos.compareAndSet(next, now + intervalNanos)) {
            unreported.incrementAndGet();
            return;
        }
        long earlier = unreported.getAndSet(0);
        if (earlier == 0) {
            log.warn("{}: {}", what, detail, cause);
        } else {
            log.warn("{}: {} ({} more since the last report)", what, detail, earlier, cause);
        }
    }
}
