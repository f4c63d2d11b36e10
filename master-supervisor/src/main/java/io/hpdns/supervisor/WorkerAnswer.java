package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;

/** One worker's answer to a request sent to every worker. */
public record WorkerAnswer(int worker, long pid, ControlReply reply) {}
