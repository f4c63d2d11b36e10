package io.hpdns.ctl;

import java.util.List;

/**
 * The answer to one control request: lines of output, and whether the command succeeded (with the
 * reason when it did not). On the socket it is the lines, then a final status line, {@code ok} or
 * {@code error: REASON} (see {@link ControlSocket}).
 */
public record ControlReply(List<String> lines, String error) {

    static final String OK = "ok";
    static final String ERROR_PREFIX = "error: ";

    public ControlReply {
        lines = List.copyOf(lines);
    }

    public static ControlReply ok(List<String> lines) {
        return new ControlReply(lines, null);
    }

    public static ControlReply failed(List<String> lines, String reason) {
        return new ControlReply(lines, reason);
    }

    public boolean succeeded() {
        return error == null;
    }

    /** The status line that ends the reply on the socket. */
    public String statusLine() {
        return error == null ? OK : ERROR_PREFIX + error;
    }

    /** Whether {@code line} is a status line, the last of a reply: {@code ok} or {@code error: REASON}. */
    public static boolean isStatusLine(String line) {
        return line.equals(OK) || line.startsWith(ERROR_PREFIX);
    }

    /** The reply read back from its lines, the last being the status line; null if that line is missing. */
    public static ControlReply parse(List<String> received) {
        if (received.isEmpty()) {
            return null;
        }
        String status = received.getLast();
        List<String> lines = received.subList(0, received.size() - 1);
        if (status.equals(OK)) {
            return ok(lines);
        }
        if (status.startsWith(ERROR_PREFIX)) {
            return failed(lines, status.substring(ERROR_PREFIX.length()));
        }
        return null;
    }
}
