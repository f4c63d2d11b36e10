package io.hpdns.bench;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.FileState;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xbill.DNS.Name;

/**
 * Times a zone's way into a process both ways: loaded from its master file and compiled, as the
 * process that writes the image does, and read back from the image, as every other does. Each in
 * a fresh JVM, so that the first run includes JIT warm-up as it does for an operator; after each,
 * the heap the zone keeps after a full collection. Not a JMH benchmark: these are one-offs of
 * seconds, and their first run is the figure that matters.
 *
 * <pre>
 * awk -v n=1000000 -f scripts/bench.d/genzone.awk &gt;/tmp/bench.test.zone
 * J="java -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -cp benchmarks/target/benchmarks.jar"
 * taskset -c 1 $J io.hpdns.bench.ZoneImageTiming write bench.test. /tmp/bench.test.zone /tmp/bench.test.image
 * taskset -c 1 $J io.hpdns.bench.ZoneImageTiming read /tmp/bench.test.image [runs]
 * </pre>
 *
 * The heap flags are those scripts/hpdns runs the server with.
 */
public final class ZoneImageTiming {
    private ZoneImageTiming() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("write")) {
            write(Name.fromString(args[1]), Path.of(args[2]), Path.of(args[3]));
        } else if ((args.length == 2 || args.length == 3) && args[0].equals("read")) {
            read(Path.of(args[1]), args.length == 3 ? Integer.parseInt(args[2]) : 1);
        } else {
            System.err.println("usage: ZoneImageTiming write ORIGIN ZONEFILE IMAGE | read IMAGE [RUNS]");
            System.exit(2);
        }
    }

    private static void write(Name origin, Path zoneFile, Path image) throws Exception {
        Clock clock = new Clock();
        byte[] digest = ZoneFingerprint.digest(zoneFile);
        ZoneLoadResult result = ZoneLoader.load(origin, zoneFile);
        if (!result.ok()) {
            System.err.println("load failed: " + result.problems());
            System.exit(1);
        }
        String load = clock.lap();
        CompiledZone zone = AnswerCompiler.compile(result.zone());
        String compile = clock.lap();
        ZoneFingerprint fingerprint = ZoneFingerprint.of(result.files(),
                new ZoneFingerprint.Master(FileState.UNSETTLED, digest));
        // Only the compiled zone stays, as in the server.
        result = null;
        System.out.printf("load %s, compile %s; zone heap %.1f MB%n", load, compile, clock.heldMegabytes());
        ZoneImage.write(zone, fingerprint, image);
        System.out.printf("write %s; image %d octets, %d names, %d records%n", clock.lap(), Files.size(image),
                zone.nodeCount(), zone.recordCount());
    }

    private static void read(Path image, int runs) throws Exception {
        Clock clock = new Clock();
        for (int run = 1; run <= runs; run++) {
            ZoneImage.Loaded loaded = ZoneImage.read(image);
            String read = clock.lap();
            System.out.printf("run %d: read %s; %d names, %d records; zone heap %.1f MB%n", run, read,
                    loaded.zone().nodeCount(), loaded.zone().recordCount(), clock.heldMegabytes());
            loaded = null;
            clock.restart();
        }
    }

    /** Wall, process CPU and collector time between laps, and the heap held since it started. */
    private static final class Clock {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private long heapBefore;
        private long wall;
        private long cpu;
        private long gc;

        Clock() {
            restart();
        }

        /** A full collection, then the heap it leaves is where {@link #heldMegabytes} counts from. */
        void restart() {
            System.gc();
            heapBefore = memory.getHeapMemoryUsage().getUsed();
            mark();
        }

        /** The time since the last lap: wall, process CPU (every thread, collectors' and JIT's too), collectors. */
        String lap() {
            long wallNs = System.nanoTime() - wall;
            long cpuNs = os.getProcessCpuTime() - cpu;
            long gcMs = collectionMillis() - gc;
            mark();
            return String.format("%.3f s wall, %.3f s CPU (GC %.3f s)", wallNs / 1e9, cpuNs / 1e9, gcMs / 1e3);
        }

        /** After a full collection (not timed), the heap held since the clock started. */
        double heldMegabytes() {
            System.gc();
            double held = (memory.getHeapMemoryUsage().getUsed() - heapBefore) / 1e6;
            mark();
            return held;
        }

        private void mark() {
            wall = System.nanoTime();
            cpu = os.getProcessCpuTime();
            gc = collectionMillis();
        }

        private static long collectionMillis() {
            long total = 0;
            for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                total += Math.max(0, bean.getCollectionTime());
            }
            return total;
        }
    }
}
