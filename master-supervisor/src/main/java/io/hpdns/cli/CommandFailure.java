package io.hpdns.cli;

import java.io.PrintWriter;

/**
 * An operational failure (a bad zone, a port in use): the command stops and exits 1, and the
 * message is printed as the one-line reason, after {@code hpdns: }.
 */
final class CommandFailure extends RuntimeException {

    static final int EXIT_CODE = 1;

    CommandFailure(String reason) {
        super(reason, null, false, false);
    }

    /** Prints the one-line reason the way every command does. */
    void report(PrintWriter err) {
        err.println("hpdns: " + getMessage());
    }
}
