package io.hpdns.supervisor;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the master starts a process of its own (a worker, the compiler): the same {@code java}
 * executable and class path as the master (so it works from the fat jar and from a test class
 * path alike) and the master's own JVM options except debugger agents (a second JVM listening on
 * the debugger's port would fail to start), then the options given, which win over the master's.
 * A collector among them replaces the master's (the JVM refuses two).
 */
final class ChildJvm {

    private ChildJvm() {}

    /** {@code java}, the JVM options, {@code -cp} and the class path: a command line up to its main class. */
    static List<String> command(List<String> options) {
        boolean ownCollector = options.stream().anyMatch(ChildJvm::selectsCollector);
        List<String> jvm = new ArrayList<>();
        jvm.add(javaExecutable());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!isDebugAgent(option) && !(ownCollector && selectsCollector(option))) {
                jvm.add(option);
            }
        }
        jvm.addAll(options);
        jvm.add("-cp");
        jvm.add(System.getProperty("java.class.path"));
        return jvm;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code -XX:+UseG1GC}, {@code -XX:+UseSerialGC} and the like. */
    private static boolean selectsCollector(String option) {
        return option.matches("-XX:[+-]Use[A-Za-z0-9]+GC");
    }

    /** JDWP, however it was asked for: it would listen on the master's debugger port. */
    private static boolean isDebugAgent(String option) {
        return option.startsWith("-agentlib:jdwp") || option.startsWith("-Xrunjdwp") || option.equals("-Xdebug")
                || option.startsWith("-agentpath:") && option.contains("jdwp");
    }
}
