package io.hpdns.supervisor;

/** A worker could not start or ended before answering; the message says which worker and why. */
public final class WorkerFailure extends Exception {

    WorkerFailure(String reason) {
        super(reason, null, false, false);
    }
}
