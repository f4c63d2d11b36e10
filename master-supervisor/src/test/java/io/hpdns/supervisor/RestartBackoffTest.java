package io.hpdns.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wait before a failed worker is started again, and when failures become a crash loop. */
class RestartBackoffTest {

    @Test
    void firstFailureIsRestartedAtOnceThenTheWaitDoublesFromOneSecondUpToThirty() {
        RestartBackoff backoff = new RestartBackoff();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waits.add(backoff.failed(Duration.ZERO).toSeconds());
        }

        assertThat(waits).containsExactly(0L, 1L, 2L, 4L, 8L, 16L, 30L, 30L);
    }

    @Test
    void aWorkerThatServedForTheStablePeriodStartsTheCountOver() {
        RestartBackoff backoff = new RestartBackoff();
        backoff.failed(Duration.ZERO);
        backoff.failed(Duration.ofSeconds(5));
        assertThat(backoff.failed(Duration.ofSeconds(59))).isEqualTo(Duration.ofSeconds(2));

        assertThat(backoff.failed(RestartBackoff.STABLE)).isEqualTo(Duration.ZERO);
        assertThat(backoff.failuresInARow()).isEqualTo(1);
    }

    @Test
    void theFifthFailureInARowBeginsACrashLoopReportedOnce() {
        RestartBackoff backoff = new RestartBackoff();
        List<Boolean> began = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            backoff.failed(Duration.ZERO);
            began.add(backoff.crashLoopBegan());
        }

        assertThat(began).containsExactly(false, false, false, false, true, false, false);
    }
}
