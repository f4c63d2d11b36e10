package io.hpdns.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The compiler's heap between compiles. A compile of a million names grows the heap past a
 * gigabyte, and the collector keeps what it grew to ({@code MaxHeapFreeRatio=100}, so that it
 * does not shrink and regrow it during a compile); a compiler waiting for the next reload hands it
 * back with one full collection that may shrink the heap to what is live, a few megabytes.
 * Both ratios are manageable flags (java(1)), set here for that one collection only.
 */
final class CompilerHeap {

    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";

    private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    private final String min = vm.getVMOption(MIN).getValue();
    private final String max = vm.getVMOption(MAX).getValue();

    /** Shrinks the heap to its live data; the ratios are as they were after it. */
    void release() {
        // The minimum may never exceed the maximum: lower it first, raise it last.
        vm.setVMOption(MIN, "0");
        vm.setVMOption(MAX, "0");
        System.gc();
        vm.setVMOption(MAX, max);
        vm.setVMOption(MIN, min);
    }
}
