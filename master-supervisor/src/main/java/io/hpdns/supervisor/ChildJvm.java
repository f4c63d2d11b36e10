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

    /**
     * When the master maps a class-data-sharing archive (scripts/hpdns), each kind of process it
     * starts gets one of its own beside it, named after the master's ({@code hpdns-start-worker.jsa},
     * {@code hpdns-start-compiler.jsa}): a missing archive is written by the first JVM to exit that
     * mapped none, with the classes it loaded, and then serves every JVM that names it. Shared, the
     * compiler (which exits first) would write the workers' archive with its classes, or the master
     * (which exits last) overwrite theirs with its own, and a worker then start a third slower
     * (docs/performance.md, "Start-up").
     *
     * @return the option naming the archive of {@code role}, or nothing when the master has none
     */
    static List<String> ownSharedArchive(String role) {
        String option = "-XX:SharedArchiveFile=";
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith(option) && argument.endsWith(".jsa")) {
                return List.of(argument.substring(0, argument.length() - ".jsa".length()) + "-" + role + ".jsa");
            }
        }
        return List.of();
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
