package io.hpdns.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises alarms about workers: each is logged (ERROR for a fault, INFO for the all-clear) and, when
 * {@code server.alarm-command} is set, handed to that command, run with {@code /bin/sh -c} and the
 * event in its environment (see {@link AlarmEvent#environment()}). The command runs on its own
 * thread for at most {@link #COMMAND_TIMEOUT}; its output is logged, and its failure is logged,
 * never more: a broken alarm command must not take the server down.
 */
final class Alarms {

    private static final Logger log = LoggerFactory.getLogger(Alarms.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** Enough for a diagnostic; a command that prints pages would flood the log. */
    private static final int MAX_OUTPUT_LINES = 20;

    private final String command;

    /** @param command the alarm command line, or null to only log */
    Alarms(String command) {
        this.command = command;
    }

    void raise(AlarmEvent event) {
        if (event.kind().fault) {
            log.error("alarm {}: {}", event.kind().text, event.message());
        } else {
            log.info("alarm {}: {}", event.kind().text, event.message());
        }
        if (command != null) {
            Thread.ofVirtual().name("hpdns-alarm-command").start(() -> run(event));
        }
    }

    private void run(AlarmEvent event) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        builder.environment().putAll(event.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            log.warn("alarm-command for {} could not be run: {}", event.kind().text, e.getMessage());
            return;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("alarm-command: closing its input: {}", e.getMessage());
        }
        // A reader of its own: a child the command left behind may hold the output open for ever.
        Thread.ofVirtual().name("hpdns-alarm-output").start(() -> logOutput(process));
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                log.warn("alarm-command for {} did not finish within {}s; killed", event.kind().text,
                        COMMAND_TIMEOUT.toSeconds());
            } else if (process.exitValue() != 0) {
                log.warn("alarm-command for {} exited with status {}", event.kind().text, process.exitValue());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void logOutput(Process process) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int lines = 0;
            while ((line = out.readLine()) != null) {
                if (++lines <= MAX_OUTPUT_LINES) {
                    log.info("alarm-command: {}", line);
                }
            }
            if (lines > MAX_OUTPUT_LINES) {
                log.info("alarm-command: ({} more lines not logged)", lines - MAX_OUTPUT_LINES);
            }
        } catch (IOException e) {
            log.debug("alarm-command output: {}", e.getMessage());
        }
    }
}
