package io.hpdns.zone;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * While zones load the heap may grow freely ({@code MaxHeapFreeRatio} 100); once the last
 * overlapping load ends, the setting the JVM was started with is back for the collection that
 * follows.
 */
class LoadingHeadroomTest {
    private static final HotSpotDiagnosticMXBean HOTSPOT =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void heapMayGrowWhileAnyLoadRunsAndTheStartupSettingIsBackAfterTheLast() {
        String started = maxHeapFreeRatio();

        LoadingHeadroom first = LoadingHeadroom.open();
        assertThat(maxHeapFreeRatio()).isEqualTo("100");
        LoadingHeadroom second = LoadingHeadroom.open();
        first.close();
        assertThat(maxHeapFreeRatio()).as("a load still runs").isEqualTo("100");
        second.close();

        assertThat(maxHeapFreeRatio()).isEqualTo(started);
    }

    private static String maxHeapFreeRatio() {
        return HOTSPOT.getVMOption("MaxHeapFreeRatio").getValue();
    }
}
