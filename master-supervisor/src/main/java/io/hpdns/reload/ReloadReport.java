package io.hpdns.reload;

import java.util.ArrayList;
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

    /** One line per zone ({@link ZoneOutcome#describe}), then the errors: what {@code hpdns ctl reload} shows. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (ZoneOutcome outcome : zones) {
            lines.add(outcome.describe());
        }
        lines.addAll(errors);
        return lines;
    }

    /** Why the reload failed, in a few words; null when it did not. */
    public String failure() {
        if (ok()) {
            return null;
        }
        int failed = failedZones();
        return failed == 0 ? "nothing reloaded" : failed + " zone(s) failed to load and keep their old data";
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
