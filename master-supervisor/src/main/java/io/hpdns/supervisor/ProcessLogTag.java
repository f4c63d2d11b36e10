package io.hpdns.supervisor;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.LoggerFactory;

/**
 * {@code %process} in the log pattern ({@link LogConfiguration}): {@code worker 1 pid 4242 } in a worker's log
 * lines, {@code compiler pid 4243 } in the compiler's, nothing in the master's. They all write to
 * the same standard error; this tells their lines apart.
 */
public final class ProcessLogTag extends ClassicConverter {

    private static final String PROPERTY = "hpdns.process";

    /** From now on, this process's log lines start with {@code worker INDEX pid PID}. */
    public static void worker(int index) {
        tag("worker " + index + " pid " + ProcessHandle.current().pid() + " ");
    }

    /** From now on, this process's log lines start with {@code compiler pid PID}. */
    public static void compiler() {
        tag("compiler pid " + ProcessHandle.current().pid() + " ");
    }

    private static void tag(String tag) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty(PROPERTY, tag);
        }
    }

    @Override
    public String convert(ILoggingEvent event) {
        String tag = event.getLoggerContextVO().getPropertyMap().get(PROPERTY);
        return tag == null ? "" : tag;
    }
}
