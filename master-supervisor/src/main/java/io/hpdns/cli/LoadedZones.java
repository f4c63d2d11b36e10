package io.hpdns.cli;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZoneProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The outcome of loading every configured zone: the zones that loaded and how many did not.
 *
 * @param zones the zones without errors, in configuration order
 * @param failures how many zones had at least one error
 */
record LoadedZones(List<Zone> zones, int failures) {

    LoadedZones {
        zones = List.copyOf(zones);
    }

    /** Loads each zone file, handing every problem (warnings too) to {@code report} in file order. */
    static LoadedZones load(List<ZoneConfig> configs, Consumer<ZoneProblem> report) {
        List<Zone> zones = new ArrayList<>();
        int failures = 0;
        for (ZoneConfig config : configs) {
            ZoneLoadResult result = ZoneLoader.load(config.name(), config.file());
            result.problems().forEach(report);
            if (result.ok()) {
                zones.add(result.zone());
            } else {
                failures++;
            }
        }
        return new LoadedZones(zones, failures);
    }
}
