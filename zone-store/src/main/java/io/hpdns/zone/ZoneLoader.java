package io.hpdns.zone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
        List<SourcedRecord> records = MasterFileReader.read(origin, file, problems);
        List<Path> files = filesRead(file, records);
        if (hasError(problems)) {
            return new ZoneLoadResult(null, problems, files);
        }
        Zone zone = new ZoneBuilder(origin, file.toString(), problems).build(records);
        // Report in the order an operator reads the file: whole-zone findings, then by line.
        problems.sort(Comparator.comparing(ZoneProblem::file).thenComparingInt(ZoneProblem::line));
        return new ZoneLoadResult(hasError(problems) ? null : zone, problems, files);
    }

    /** The master file and every {@code $INCLUDE}d file that records came from, each once. */
    private static List<Path> filesRead(Path file, List<SourcedRecord> records) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(file);
        String previous = null;
        for (SourcedRecord record : records) {
            // Records come in runs from one file: look the path up only when the file changes.
            if (!record.file().equals(previous)) {
                previous = record.file();
                files.add(Path.of(previous));
            }
        }
        return List.copyOf(files);
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
