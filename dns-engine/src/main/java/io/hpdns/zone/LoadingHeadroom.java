package io.hpdns.zone;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Lets the heap grow while zones load. scripts/hpdns runs G1 with {@code MaxHeapFreeRatio=20} so
 * that after the full collection that follows a load the heap, and the resident size, shrink to
 * what the zones need (docs/performance.md). During a load that same ratio makes G1 shrink the
 * heap at the end of every concurrent marking to a quarter above what is live, so the young
 * generation stays small and the growing zone is copied by many more collections: a million-name
 * zone took a third more collector time. {@code MaxHeapFreeRatio} is a manageable flag, so it is
 * lifted to 100 for as long as any zone loads and then put back, before that full collection.
 *
 * <p>On a JVM without the HotSpot diagnostic bean, or whose flag cannot be set, this does nothing.
 */
final class LoadingHeadroom implements AutoCloseable {
    private static final String FLAG = "MaxHeapFreeRatio";

    /** Zones loading now; the flag is lifted while it is above zero. */
    private static int loading;
    /** The flag's value before the first of them. */
    private static String saved;

    private LoadingHeadroom() {}

    /** Lifts the limit until {@link #close}; loads may overlap, the last to end restores it. */
    static LoadingHeadroom open() {
        synchronized (LoadingHeadroom.class) {
            if (loading++ == 0) {
                saved = set("100");
            }
        }
        return new LoadingHeadroom();
    }

    @Override
    public void close() {
        synchronized (LoadingHeadroom.class) {
            if (--loading == 0 && saved != null) {
                set(saved);
                saved = null;
            }
        }
    }

    /** Sets the flag; returns its value before, or null when it cannot be set. */
    private static String set(String value) {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            String before = hotspot.getVMOption(FLAG).getValue();
            hotspot.setVMOption(FLAG, value);
            return before;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
