package io.hpdns.zone;

import org.xbill.DNS.Record;

/** A record as read from a master file, with where it was written for error messages. */
record SourcedRecord(Record record, String file, int line) {

    ZoneProblem error(String message) {
        return new ZoneProblem(ZoneProblem.Severity.ERROR, file, line, message);
    }

    ZoneProblem warning(String message) {
        return new ZoneProblem(ZoneProblem.Severity.WARNING, file, line, message);
    }
}
