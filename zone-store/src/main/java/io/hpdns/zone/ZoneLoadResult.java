package io.hpdns.zone;

import java.util.List;

/**
 * The outcome of loading one zone file: the zone when it has no error, and every problem found
 * (warnings too) in file order.
 */
public record ZoneLoadResult(Zone zone, List<ZoneProblem> problems) {

    public ZoneLoadResult {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return zone != null;
    }
}
