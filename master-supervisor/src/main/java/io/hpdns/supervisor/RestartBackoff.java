package io.hpdns.supervisor;

import java.time.Duration;

/**
 * How long the master waits before starting a failed worker again: {@link #FIRST} after the
 * first failure, doubling with each failure in a row up to {@link #MAX}. A worker that had served
 * for {@link #STABLE} before it failed starts the count over, so one crash a day waits 1 s every
 * time. {@link #CRASH_LOOP_FAILURES} failures in a row are a crash loop: restarting alone will not fix it.
 */
final class RestartBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);
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
        Duration delay = FIRST;
        for (int i = 1; i < failuresInARow && delay.compareTo(MAX) < 0; i++) {
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
