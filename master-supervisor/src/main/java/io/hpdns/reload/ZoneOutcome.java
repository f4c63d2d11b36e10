package io.hpdns.reload;

import io.hpdns.zone.ZoneProblem;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * What one reload did with one zone.
 *
 * @param serial the serial served after the reload (the old one when the zone failed); -1 when
 *     the zone is not served
 * @param problems every finding of the load, warnings too; errors only when {@code kind} is FAILED
 */
public record ZoneOutcome(Name zone, Kind kind, long serial, List<ZoneProblem> problems) {

    public enum Kind {
        /** Read again and now served from the new data. */
        LOADED,
        /** Its files did not change: the zone already served was kept, not rebuilt. */
        UNCHANGED,
        /** It has errors: the old data (if any) is still served. */
        FAILED,
        /** No longer in the configuration: not served any more. */
        REMOVED
    }

    public ZoneOutcome {
        problems = List.copyOf(problems);
    }

    /** One line for the log and for {@code hpdns ctl}. */
    public String describe() {
        return switch (kind) {
            case LOADED -> zone + " loaded, serial " + serial;
            case UNCHANGED -> zone + " unchanged, serial " + serial;
            case REMOVED -> zone + " removed";
            case FAILED -> serial < 0
                    ? zone + " failed, not served"
                    : zone + " failed, still serving serial " + serial;
        };
    }
}
