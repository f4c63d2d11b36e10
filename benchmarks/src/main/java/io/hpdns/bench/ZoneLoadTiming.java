package io.hpdns.bench;

import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xbill.DNS.Name;

/**
 * Times loading one zone file the way the server does at start-up ({@link ZoneLoader#load}), in a
 * fresh JVM so the first load includes JIT warm-up as it does for an operator, and reports the
 * heap the loaded zone holds after a full collection. Not a JMH benchmark: a zone load is a
 * one-off of seconds, and its first run is the figure that matters.
 *
 * <pre>
 * awk -v n=1000000 -f scripts/bench.d/genzone.awk &gt;/tmp/bench.test.zone
 * taskset -c 1 java -XX:+UseG1GC -cp benchmarks/target/benchmarks.jar io.hpdns.bench.ZoneLoadTiming \
 *     bench.test. /tmp/bench.test.zone [runs]
 * </pre>
 *
 * Prints one line per run: wall time, CPU time of the whole process (parser, builder, collector
 * and JIT threads) during the load, the collectors' time within it, the heap the zone keeps (in
 * bytes and per record), and the resident size before and after the full collection that the
 * server makes after loading.
 */
public final class ZoneLoadTiming {
    private ZoneLoadTiming() {}

    /** The process's resident set size (Linux), or -1. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Time the collectors spent collecting (G1: its pauses), summed over all of them. */
    private static long collectionMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ZoneLoadTiming ORIGIN FILE [RUNS]");
            System.exit(2);
        }
        Name origin = Name.fromString(args[0]);
        Path file = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int run = 1; run <= runs; run++) {
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            long cpu0 = os.getProcessCpuTime();
            long gc0 = collectionMillis();
            long t0 = System.nanoTime();
            ZoneLoadResult result = ZoneLoader.load(origin, file);
            long wallNs = System.nanoTime() - t0;
            long cpuNs = os.getProcessCpuTime() - cpu0;
            long gcMs = collectionMillis() - gc0;
            if (!result.ok()) {
                System.err.println("load failed: " + result.problems());
                System.exit(1);
            }
            long rssLoaded = residentBytes();
            long g0 = System.nanoTime();
            System.gc();
            long gcNs = System.nanoTime() - g0;
            // G1 gives the freed heap back to the system concurrently, shortly after the collection.
            Thread.sleep(2000);
            long rssCollected = residentBytes();
            long zoneBytes = memory.getHeapMemoryUsage().getUsed() - heapBefore;
            int records = result.zone().recordCount();
            System.out.printf("run %d: %d records, load %.2f s wall, %.2f s CPU (GC %.2f s); full GC after %.2f s;"
                    + " zone heap %.1f MB, %.1f B/record; RSS %d MB loaded, %d MB after the full GC%n", run, records,
                    wallNs / 1e9, cpuNs / 1e9, gcMs / 1e3, gcNs / 1e9, zoneBytes / 1e6, (double) zoneBytes / records,
                    rssLoaded >> 20, rssCollected >> 20);
        }
    }
}
