package io.hpdns.supervisor;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.LoggerFactory;

/**
 * {@code %process} in the log pattern (logback.xml): {@code worker 1 pid 4242 } in a worker's log
 * lines, nothing in the master's. Master and workers write to the same standard error; this tells
 * their lines apart.
 */
public final class ProcessLogTag extends ClassicConverter {

    private static final String PROPERTY = "hpdns.process";

    /** From now on, this process's log lines start with {@code worker INDEX pid PID}. */
    public static void worker(int index) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty(PROPERTY, "worker " + index + " pid " + ProcessHandle.current().pid() + " ");
        }
    }

    @Override
    public String convert(ILoggingEvent event) {
        String tag = event.getLoggerContextVO().getPropertyMap().get(PROPERTY);
        return tag == null ? "" : tag;
    }
}
