package io.hpdns.bench;

import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zonefile.ScannedRecord;
import io.hpdns.zonefile.ZoneFileScanner;
import java.nio.file.Path;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;

/**
 * Times reading one master file three ways in one JVM: the zone file scanner alone
 * ({@link ZoneFileScanner}), dnsjava's {@link Master} alone (the parser zones were loaded with
 * before), and the whole {@link ZoneLoader#load} (scanning, building and checking). Each is run
 * the given number of times, in turn, and the best run of each is reported as well as every run,
 * so the first, with its JIT warm-up, can be told apart.
 *
 * <pre>
 * awk -v n=1000000 -f scripts/bench.d/genzone.awk &gt;/tmp/bench.test.zone
 * java -XX:+UseG1GC -Xmx2g -cp benchmarks/target/benchmarks.jar io.hpdns.bench.ZoneScanTiming \
 *     bench.test. /tmp/bench.test.zone [runs]
 * </pre>
 */
public final class ZoneScanTiming {
    private ZoneScanTiming() {}

    /** Counts what the scanner hands over, so that the work cannot be optimised away. */
    private static final class Counter implements ZoneFileScanner.Sink {
        long records;
        long problems;
        long octets;

        @Override
        public void record(ScannedRecord record) {
            records++;
            octets += record.rdataEnd();
        }

        @Override
        public void problem(String file, int line, String message) {
            problems++;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ZoneScanTiming ORIGIN FILE [RUNS]");
            System.exit(2);
        }
        Name origin = Name.fromString(args[0]);
        Path file = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        double bestScan = Double.MAX_VALUE;
        double bestDnsjava = Double.MAX_VALUE;
        double bestLoad = Double.MAX_VALUE;
        for (int run = 1; run <= runs; run++) {
            System.gc();
            long t0 = System.nanoTime();
            Counter counter = new Counter();
            ZoneFileScanner.scan(file, origin, counter);
            double scan = (System.nanoTime() - t0) / 1e9;
            bestScan = Math.min(bestScan, scan);

            System.gc();
            t0 = System.nanoTime();
            long dnsjavaRecords = 0;
            try (Master master = new Master(file.toString(), origin)) {
                while (master.nextRecord() != null) {
                    dnsjavaRecords++;
                }
            }
            double dnsjava = (System.nanoTime() - t0) / 1e9;
            bestDnsjava = Math.min(bestDnsjava, dnsjava);

            System.gc();
            t0 = System.nanoTime();
            ZoneLoadResult result = ZoneLoader.load(origin, file);
            double load = (System.nanoTime() - t0) / 1e9;
            bestLoad = Math.min(bestLoad, load);
            if (!result.ok() || counter.problems > 0 || counter.records != dnsjavaRecords) {
                System.err.println("the readers disagree or the zone is bad: scanner " + counter.records + " records, "
                        + counter.problems + " problems; dnsjava " + dnsjavaRecords + " records; load "
                        + result.problems());
                System.exit(1);
            }
            System.out.printf("run %d: %d records; scanner %.3f s, dnsjava Master %.3f s, ZoneLoader.load %.3f s%n",
                    run, counter.records, scan, dnsjava, load);
        }
        System.out.printf("best of %d: scanner %.3f s, dnsjava Master %.3f s (%.1fx), ZoneLoader.load %.3f s%n", runs,
                bestScan, bestDnsjava, bestDnsjava / bestScan, bestLoad);
    }
}
