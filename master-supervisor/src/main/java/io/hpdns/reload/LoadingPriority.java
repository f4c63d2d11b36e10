package io.hpdns.reload;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs zone loading at a lower CPU priority than serving: on a platform thread of its own whose
 * nice value is raised by {@link #NICE} ({@code setpriority(2)} on its thread id: on Linux the
 * nice value is per thread, and the threads it starts, the parser and the answer compilers,
 * inherit it). While one worker parses a large zone, the other workers answer every UDP query of
 * the shared ports; on a machine with fewer CPUs than busy threads they compete with the loading
 * for the same CPU, and the scheduler then gives the loading about a tenth of what a serving
 * thread gets, so their socket buffers do not fill. The thread ends with the load, so the raised
 * nice value needs no undoing (which an unprivileged process could not do).
 */
final class LoadingPriority {

    private static final Logger log = LoggerFactory.getLogger(LoadingPriority.class);
    /** Weight 110 against 1024 for nice 0 (kernel/sched/core.c, sched_prio_to_weight). */
    static final int NICE = 10;
    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle GETTID = downcall("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPRIORITY = downcall("getpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETPRIORITY = downcall("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    /** The lowest priority there is. */
    private static final int MAX_NICE = 19;

    private LoadingPriority() {
    }

    /** Runs {@code load} on a thread of lowered priority and returns its result. */
    static <T> T lowered(Supplier<T> load) {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(load,
                task -> Thread.ofPlatform().name("hpdns-zone-load").start(() -> {
                    lowerOwnPriority();
                    task.run();
                }));
        try {
            // join, which an interrupt does not cut short: a load runs to its end, its result
            // published whole or not at all.
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    private static void lowerOwnPriority() {
        if (GETTID == null || GETPRIORITY == null || SETPRIORITY == null) {
            return;
        }
        try {
            int tid = (int) GETTID.invokeExact();
            // Relative to the worker's own: a worker started with nice 5 loads at 15, not 10.
            int nice = Math.min(MAX_NICE, (int) GETPRIORITY.invokeExact(PRIO_PROCESS, tid) + NICE);
            if ((int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) != 0) {
                log.debug("setpriority({}) failed; the zone loads at the serving threads' priority", nice);
            }
        } catch (Throwable e) {
            log.debug("setpriority unavailable: {}", e.toString());
        }
    }

    /** The libc function, or null where there is none (not Linux, or a libc without gettid). */
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        return libc.find(name).map(symbol -> linker.downcallHandle(symbol, descriptor)).orElse(null);
    }
}
