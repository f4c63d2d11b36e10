package io.hpdns.reload;

import java.util.List;

/**
 * The result of one reload: what happened to each zone, and every error as
 * {@code file:line: reason} (configuration errors, or zone errors whose zone kept its old data).
 */
public record ReloadReport(List<ZoneOutcome> zones, List<String> errors) {

    public ReloadReport {
        zones = List.copyOf(zones);
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** How many zones failed (0 when a configuration error stopped the reload before any zone). */
    public int failedZones() {
        int failed = 0;
        for (ZoneOutcome zone : zones) {
            if (zone.kind() == ZoneOutcome.Kind.FAILED) {
                failed++;
            }
        }
        return failed;
    }
}
