package io.hpdns.supervisor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something about a worker that a person should know: what happened, to which worker, and the
 * message that was logged. The alarm command gets it in its environment ({@link #environment()}).
 *
 * @param kind what happened
 * @param worker the worker's index
 * @param pid the worker process concerned (for {@code worker-restarted}, the new one); 0 when none
 * @param exitStatus the exit status of a worker that exited (128 + N for signal N); -1 when none
 * @param restarts how many times the worker has been restarted after a failure
 * @param message the one-line description that was logged
 */
record AlarmEvent(Kind kind, int worker, long pid, int exitStatus, int restarts, String message) {

    enum Kind {
        /** A worker exited without being asked to (or could not start); it is restarted after the backoff. */
        WORKER_EXITED("worker-exited", true),
        /** A worker stopped answering heartbeats; it is killed and restarted after the backoff. */
        WORKER_HUNG("worker-hung", true),
        /** A worker failed {@link RestartBackoff#CRASH_LOOP_FAILURES} times in a row. */
        CRASH_LOOP("crash-loop", true),
        /** A restarted worker serves again: the all-clear for the alarms before it. */
        WORKER_RESTARTED("worker-restarted", false);

        final String text;
        /** A fault is logged at ERROR; the all-clear at INFO. */
        final boolean fault;

        Kind(String text, boolean fault) {
            this.text = text;
            this.fault = fault;
        }
    }

    /** The variables the alarm command finds in its environment. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HPDNS_EVENT", kind.text);
        env.put("HPDNS_WORKER", Integer.toString(worker));
        env.put("HPDNS_PID", pid > 0 ? Long.toString(pid) : "");
        env.put("HPDNS_EXIT_STATUS", exitStatus >= 0 ? Integer.toString(exitStatus) : "");
        env.put("HPDNS_RESTARTS", Integer.toString(restarts));
        env.put("HPDNS_MESSAGE", message);
        env.put("HPDNS_MASTER_PID", Long.toString(ProcessHandle.current().pid()));
        return env;
    }
}
