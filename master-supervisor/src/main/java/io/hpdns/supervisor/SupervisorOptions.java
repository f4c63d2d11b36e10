package io.hpdns.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the master runs its workers (config keys {@code server.workers},
 * {@code server.heartbeat-timeout}, {@code server.alarm-command}, {@code server.worker-jvm-options}) and its
 * zone compiler ({@code server.compiler-linger}).
 *
 * @param workers worker processes, each serving every listen address through SO_REUSEPORT sockets
 * @param heartbeatTimeout a worker that has answered no heartbeat for this long is hung: killed and restarted
 * @param alarmCommand run with {@code /bin/sh -c} on every alarm, the event in its environment; null for none
 * @param workerJvmOptions JVM options for the workers, after the master's own (so they win)
 * @param compilerLinger how long the zone compiler stays after a reload, warm, for the next one
 *     ({@link CompilerProcess}); zero: it exits after each
 */
public record SupervisorOptions(int workers, Duration heartbeatTimeout, String alarmCommand,
                                List<String> workerJvmOptions, Duration compilerLinger) {

    public static final int DEFAULT_WORKERS = 1;
    /** Beyond one per core nothing is gained; 64 covers the largest machines with room to spare. */
    public static final int MAX_WORKERS = 64;
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);
    /** Two heartbeat intervals: one late answer must not count as a hang. */
    public static final Duration MIN_HEARTBEAT_TIMEOUT = Heartbeat.INTERVAL.multipliedBy(2);
    public static final Duration MAX_HEARTBEAT_TIMEOUT = Duration.ofMinutes(10);
    /**
     * Two minutes: reloads that come every minute or so (a provisioning system pushing changes)
     * all find the compiler warm, and a server reloaded now and then has it gone soon after.
     */
    public static final Duration DEFAULT_COMPILER_LINGER = Duration.ofMinutes(2);
    public static final Duration MAX_COMPILER_LINGER = Duration.ofDays(1);

    public SupervisorOptions {
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
        Objects.requireNonNull(compilerLinger, "compilerLinger");
        workerJvmOptions = List.copyOf(workerJvmOptions);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("server.workers must be between 1 and " + MAX_WORKERS + ", got "
                    + workers);
        }
        if (heartbeatTimeout.compareTo(MIN_HEARTBEAT_TIMEOUT) < 0
                || heartbeatTimeout.compareTo(MAX_HEARTBEAT_TIMEOUT) > 0) {
            throw new IllegalArgumentException("server.heartbeat-timeout must be between " + MIN_HEARTBEAT_TIMEOUT
                    + " and " + MAX_HEARTBEAT_TIMEOUT + ", got " + heartbeatTimeout);
        }
        if (compilerLinger.isNegative() || compilerLinger.compareTo(MAX_COMPILER_LINGER) > 0) {
            throw new IllegalArgumentException("server.compiler-linger must be between 0 and " + MAX_COMPILER_LINGER
                    + ", got " + compilerLinger);
        }
    }

    public static SupervisorOptions defaults() {
        return new SupervisorOptions(DEFAULT_WORKERS, DEFAULT_HEARTBEAT_TIMEOUT, null, List.of(),
                DEFAULT_COMPILER_LINGER);
    }

    public SupervisorOptions withWorkers(int newWorkers) {
        return new SupervisorOptions(newWorkers, heartbeatTimeout, alarmCommand, workerJvmOptions, compilerLinger);
    }

    /**
     * Why a JVM option cannot be given to the workers, or null when it can: the master chooses the
     * class path and the main class itself, and a bare word would be taken for the main class.
     */
    public static String unusableJvmOption(String option) {
        if (!option.startsWith("-")) {
            return "not a JVM option (it must start with -)";
        }
        if (List.of("-cp", "-classpath", "--class-path", "-jar", "-m", "--module").contains(option)
                || option.startsWith("--class-path=") || option.startsWith("--module=")) {
            return "the master sets the workers' class path and main class itself";
        }
        return null;
    }
}
