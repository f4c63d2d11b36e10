package io.hpdns.ctl;

import java.util.List;

/** Carries out one control command; called on its own (virtual) thread for each request. */
@FunctionalInterface
public interface ControlHandler {

    /**
     * @param command the first word of the request line, such as {@code reload}
     * @param arguments the words after it
     */
    ControlReply handle(String command, List<String> arguments);
}
