package io.hpdns.zone;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of loading one zone file: the zone when it has no error, every problem found
 * (warnings too) in file order, and the files read.
 *
 * @param files the master file, then each file it {@code $INCLUDE}d that held records, in the
 *     order they were first read; a reload compares their contents to tell whether the zone changed
 * @param everyRecordOnce whether no record was written twice (a duplicate is left out, with a
 *     warning)
 */
public record ZoneLoadResult(Zone zone, List<ZoneProblem> problems, List<Path> files, boolean everyRecordOnce) {

    public ZoneLoadResult {
        problems = List.copyOf(problems);
        files = List.copyOf(files);
    }

    public boolean ok() {
        return zone != null;
    }
}
