package io.hpdns.supervisor;

import java.time.Duration;

/**
 * How long the master waits before starting a failed worker again: not at all after the first
 * failure (one crash should cost capacity only for as long as a worker takes to start), then
 * {@link #SECOND} after the second failure in a row, doubling with each further one up to
 * {@link #MAX}, so a worker that cannot start does not spin. A worker that had served for
 * {@link #STABLE} before it failed starts the count over, so one crash a day is restarted at once
 * every time. {@link #CRASH_LOOP_FAILURES} failures in a row are a crash loop: restarting alone
 * will not fix it.
 */
final class RestartBackoff {

    static final Duration SECOND = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofSeconds(60);
    static final int CRASH_LOOP_FAILURES = 5;

    private int failuresInARow;

    /**
     * Counts one failure.
     *
     * @param served how long the worker had been serving when it failed; zero if it never was
     * @return how long to wait before starting it again
     */
    Duration failed(Duration served) {
        if (served.compareTo(STABLE) >= 0) {
            failuresInARow = 0;
        }
        failuresInARow++;
        if (failuresInARow == 1) {
            return Duration.ZERO;
        }
        Duration delay = SECOND;
        for (int i = 2; i < failuresInARow && delay.compareTo(MAX) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }

    int failuresInARow() {
        return failuresInARow;
    }

    /** Whether the failure just counted made this a crash loop (true once per loop, at its start). */
    boolean crashLoopBegan() {
        return failuresInARow == CRASH_LOOP_FAILURES;
    }
}
