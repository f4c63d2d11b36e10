package io.hpdns.supervisor;

import io.hpdns.server.ListenAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How the master starts a worker: a {@link ChildJvm} with {@code server.worker-jvm-options} (last,
 * so they win over the master's), then the main class and the worker's arguments.
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
        List<String> options = new ArrayList<>(WORKER_JVM_DEFAULTS);
        options.addAll(ChildJvm.ownSharedArchive("worker"));
        options.addAll(workerJvmOptions);
        this.jvm = List.copyOf(ChildJvm.command(options));
        this.mainClass = mainClass;
        this.arguments = arguments;
    }

    /**
     * The full command line of worker {@code index} (or a spare) serving on {@code listen}.
     *
     * @param first whether this is worker 0 of a start, which no other worker serves beside: it
     *     binds its sockets before it warms up its query path ({@code --first}), as an answer from
     *     the interpreter beats none; any other warms up first, so that the queries the kernel
     *     moves to its sockets from the others' are answered at full speed
     */
    List<String> command(int index, List<ListenAddress> listen, boolean first) {
        List<String> command = new ArrayList<>(jvm);
        command.add(mainClass);
        command.addAll(arguments.apply(listen));
        if (index == WorkerProcess.SPARE) {
            command.add("--spare");
        } else {
            command.add("--index");
            command.add(Integer.toString(index));
        }
        if (first) {
            command.add("--first");
        }
        return command;
    }

    /** Starts worker {@code index}, or a spare for {@link WorkerProcess#SPARE} (see {@link #command}). */
    WorkerProcess launch(int index, List<ListenAddress> listen, boolean first) throws IOException {
        return WorkerProcess.launch(index, command(index, listen, first));
    }
}
