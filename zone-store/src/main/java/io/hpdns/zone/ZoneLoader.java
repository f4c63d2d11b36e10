package io.hpdns.zone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * Reads a master file with dnsjava and validates it into a {@link Zone}, the way
 * {@code kzonecheck} and {@code named-checkzone} do: errors make the zone unusable, warnings are
 * reported and the data normalised.
 */
public final class ZoneLoader {
    private ZoneLoader() {}

    /** Never throws for bad zone content or an unreadable file: those come back as problems. */
    public static ZoneLoadResult load(Name origin, Path file) {
        if (!origin.isAbsolute()) {
            throw new IllegalArgumentException("zone origin must be absolute: " + origin);
        }
        List<ZoneProblem> problems = new ArrayList<>();
        ZoneBuilder builder = new ZoneBuilder(origin, file.toString(), problems);
        // A syntax error stops the parser; the records before it are checked no further.
        Zone zone = MasterFileReader.read(origin, file, problems, builder) ? builder.build() : null;
        // Report in the order an operator reads the file: whole-zone findings, then by line.
        problems.sort(Comparator.comparing(ZoneProblem::file).thenComparingInt(ZoneProblem::line));
        return new ZoneLoadResult(hasError(problems) ? null : zone, problems, builder.filesRead(file));
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
