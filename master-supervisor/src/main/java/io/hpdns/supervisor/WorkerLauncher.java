package io.hpdns.supervisor;

import io.hpdns.server.ListenAddress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How the master starts a worker: the same {@code java} executable and class path as the master
 * (so it works from the fat jar and from a test class path alike), the master's own JVM options
 * except debugger agents (a second JVM listening on the debugger's port would fail to start), then
 * {@code server.worker-jvm-options} (last, so they win over the master's), then the main class and
 * the worker's arguments.
 */
final class WorkerLauncher {

    /**
     * The worker needs native access (FFM for recvmmsg/sendmmsg, JNI for netty); the jar's manifest
     * grants it only to {@code java -jar}. A worker out of memory is broken in unknown ways: it
     * exits at once and the master starts it again. The JVM's own messages go to standard error,
     * not into the control channel.
     */
    private static final List<String> WORKER_JVM_DEFAULTS = List.of("--enable-native-access=ALL-UNNAMED",
            "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr");

    private final List<String> jvm;
    private final String mainClass;
    private final Function<List<ListenAddress>, List<String>> arguments;

    /**
     * @param workerJvmOptions {@code server.worker-jvm-options}
     * @param mainClass the class whose {@code main} runs the command line
     * @param arguments the command line arguments (the {@code worker} command and its options) for
     *     these listen addresses, whose ports are all known; {@code --index} is added to them
     */
    WorkerLauncher(List<String> workerJvmOptions, String mainClass,
                   Function<List<ListenAddress>, List<String>> arguments) {
        List<String> jvm = new ArrayList<>();
        jvm.add(javaExecutable());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!isDebugAgent(option)) {
                jvm.add(option);
            }
        }
        jvm.addAll(WORKER_JVM_DEFAULTS);
        jvm.addAll(workerJvmOptions);
        jvm.add("-cp");
        jvm.add(System.getProperty("java.class.path"));
        this.jvm = List.copyOf(jvm);
        this.mainClass = mainClass;
        this.arguments = arguments;
    }

    /** The full command line of worker {@code index} (or a spare) serving on {@code listen}. */
    List<String> command(int index, List<ListenAddress> listen) {
        List<String> command = new ArrayList<>(jvm);
        command.add(mainClass);
        command.addAll(arguments.apply(listen));
        if (index == WorkerProcess.SPARE) {
            command.add("--spare");
        } else {
            command.add("--index");
            command.add(Integer.toString(index));
        }
        return command;
    }

    /** Starts worker {@code index}, or a spare for {@link WorkerProcess#SPARE}. */
    WorkerProcess launch(int index, List<ListenAddress> listen) throws IOException {
        return WorkerProcess.launch(index, command(index, listen));
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** JDWP, however it was asked for: it would listen on the master's debugger port. */
    private static boolean isDebugAgent(String option) {
        return option.startsWith("-agentlib:jdwp") || option.startsWith("-Xrunjdwp") || option.equals("-Xdebug")
                || option.startsWith("-agentpath:") && option.contains("jdwp");
    }
}
