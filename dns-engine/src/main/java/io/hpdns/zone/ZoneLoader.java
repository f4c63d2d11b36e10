package io.hpdns.zone;

import io.hpdns.zonefile.ScanState;
import io.hpdns.zonefile.ZoneFileScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.xbill.DNS.Name;

/**
 * Reads a master file ({@link ZoneFileScanner}) and validates it into a {@link Zone}, the way
 * {@code kzonecheck} and {@code named-checkzone} do: errors make the zone unusable, warnings are
 * reported and the data normalised. Every fault of the file is reported, not only the first.
 *
 * <p>Scanning and building run on the calling thread: the scanner reads a million records in well
 * under a second, so a second thread would save little and cost a handoff of every record.
 */
public final class ZoneLoader {
    /**
     * Master file octets per owner name, to size the name table up front: a name with one short
     * record takes about this much (the table grows past the estimate if it must).
     */
    private static final int BYTES_PER_NAME = 32;

    private ZoneLoader() {}

    /** Never throws for bad zone content or an unreadable file: those come back as problems. */
    public static ZoneLoadResult load(Name origin, Path file) {
        if (!origin.isAbsolute()) {
            throw new IllegalArgumentException("zone origin must be absolute: " + origin);
        }
        List<ZoneProblem> problems = new ArrayList<>();
        ZoneBuilder builder = new ZoneBuilder(origin, file.toString(), problems, expectedNames(sizeOf(file)));
        // A file that cannot be read at all has nothing to check further.
        Zone zone = ZoneFileScanner.scan(file, origin, builder) ? builder.build() : null;
        return result(problems, zone, builder, file);
    }

    /**
     * As {@link #load(Name, Path)}, the master file's octets read already ({@code text}), handing
     * the scanner's state every {@code every} octets of it to {@code checkpoints} (see
     * {@link ZoneFileScanner#scan(Path, byte[], Name, ZoneFileScanner.Sink, int, Consumer)}).
     */
    public static ZoneLoadResult load(Name origin, Path file, byte[] text, int every, Consumer<ScanState> checkpoints) {
        if (!origin.isAbsolute()) {
            throw new IllegalArgumentException("zone origin must be absolute: " + origin);
        }
        List<ZoneProblem> problems = new ArrayList<>();
        ZoneBuilder builder = new ZoneBuilder(origin, file.toString(), problems, expectedNames(text.length));
        ZoneFileScanner.scan(file, text, origin, builder, every, checkpoints);
        return result(problems, builder.build(), builder, file);
    }

    private static int expectedNames(long fileSize) {
        return (int) Math.min(1 << 28, Math.max(0, fileSize / BYTES_PER_NAME));
    }

    private static ZoneLoadResult result(List<ZoneProblem> problems, Zone zone, ZoneBuilder builder, Path file) {
        // Report in the order an operator reads the file: whole-zone findings, then by line.
        problems.sort(Comparator.comparing(ZoneProblem::file).thenComparingInt(ZoneProblem::line));
        return new ZoneLoadResult(hasError(problems) ? null : zone, problems, builder.filesRead(file),
                builder.duplicates() == 0);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            // The scanner says what is wrong with the file.
            return 0;
        }
    }

    private static boolean hasError(List<ZoneProblem> problems) {
        for (ZoneProblem p : problems) {
            if (p.isError()) {
                return true;
            }
        }
        return false;
    }
}
