package io.hpdns.supervisor;

import java.time.Duration;

/**
 * One worker as {@code hpdns ctl status} shows it.
 *
 * @param pid 0 while no process fills the slot (down, waiting for its restart)
 * @param uptime null while no process fills the slot
 * @param restarts restarts after a failure (a rolling restart is not counted)
 * @param state starting, serving, down (with the reason and when it starts again) or stopping
 */
public record WorkerStatus(int index, long pid, Duration uptime, int restarts, String state) {

    /** {@code worker 1 pid 4242 uptime 35s restarts 0 serving}; {@code -} for what a down worker lacks. */
    public String describe() {
        return "worker " + index + " pid " + (pid > 0 ? Long.toString(pid) : "-") + " uptime "
                + (uptime != null ? uptime.toSeconds() + "s" : "-") + " restarts " + restarts + " " + state;
    }
}
