package io.hpdns.zonefile;

/**
 * A fault in the record being read. The scanner reports it at the current line and goes on with
 * the next record, so a file's every fault is reported in one pass. Thrown once per bad record, so
 * it records no stack trace.
 */
final class ScanException extends Exception {
    ScanException(String message) {
        super(message, null, false, false);
    }
}
