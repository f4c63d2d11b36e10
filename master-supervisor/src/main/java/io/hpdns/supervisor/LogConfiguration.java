package io.hpdns.supervisor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * hpdns's logging, set up in code (found by logback through {@code META-INF/services}): one
 * concise line per event on standard error, so that standard output stays free for command output
 * and systemd/journald captures the log; INFO by default, {@code -Dhpdns.log.level=debug} for more.
 * Workers and the compiler write to the master's standard error, {@link ProcessLogTag} starting
 * their lines with {@code worker N pid P} or {@code compiler pid P}.
 *
 * <p>In code rather than a {@code logback.xml}: logback's XML configurator loads an XML parser and
 * several hundred classes, a tenth of a second of every JVM's start (the master's, each worker's,
 * the compiler's; docs/performance.md, "Start-up"). An operator's own file still wins:
 * {@code -Dlogback.configurationFile=FILE} hands the configuration to logback's.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %process%logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("process", ProcessLogTag::new);
        layout.setPattern(PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("hpdns.log.level"), Level.INFO));
        root.addAppender(stderr);
        // Third-party libraries speak only when something is wrong, even at debug.
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("org.xbill.DNS").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
