package io.hpdns.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The compiler's heap between compiles. A compile of a million names grows the heap past a
 * gigabyte, and the collector keeps what it grew to ({@code MaxHeapFreeRatio=100}, so that it
 * does not shrink and regrow it during a compile); a compiler waiting for the next reload hands it
 * back with one full collection that may shrink the heap to what is live, a few megabytes.
 * Both ratios are manageable flags (java(1)), set here for that one collection only.
 *
 * <p>It does so {@value #RELEASE_DELAY_SECONDS} seconds after the compile, not at once: right
 * after the report the workers map the new images and swap them in, and the collection and the
 * kernel's freeing of a gigabyte would share the CPU with them.
 */
final class CompilerHeap {

    static final long RELEASE_DELAY_SECONDS = 5;
    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";

    private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    private final String min = vm.getVMOption(MIN).getValue();
    private final String max = vm.getVMOption(MAX).getValue();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hpdns-heap-release").factory());
    /** Compiles started; a release is for the compile it follows only. Guarded by this. */
    private long compiles;
    /** Whether a compile runs. Guarded by this. */
    private boolean compiling;

    /** A compile starts: no release runs until it ends (one under way is waited for). */
    synchronized void compiling() {
        compiles++;
        compiling = true;
    }

    /** A compile ended: the heap is handed back after the delay, unless another compile starts first. */
    synchronized void compiled() {
        compiling = false;
        long compile = compiles;
        timer.schedule(() -> release(compile), RELEASE_DELAY_SECONDS, TimeUnit.SECONDS);
    }

    /** Shrinks the heap to its live data, the ratios as they were after it; unless a compile came since. */
    private synchronized void release(long after) {
        if (compiling || compiles != after) {
            return;
        }
        // The minimum may never exceed the maximum: lower it first, raise it last.
        vm.setVMOption(MIN, "0");
        vm.setVMOption(MAX, "0");
        System.gc();
        vm.setVMOption(MAX, max);
        vm.setVMOption(MIN, min);
    }
}
