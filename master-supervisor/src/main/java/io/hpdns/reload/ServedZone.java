package io.hpdns.reload;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ZoneFingerprint;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A zone being served, with what it was built from and how its latest reload went.
 *
 * @param zone the zone answered from
 * @param fingerprint the files {@code zone} was built from, to tell whether a reload must rebuild it
 * @param image where its image is ({@link ZoneImages}), or null when it has none
 * @param lastReload when it was last loaded or checked for changes
 * @param lastResult the outcome of that
 */
public record ServedZone(ZoneConfig config, CompiledZone zone, ZoneFingerprint fingerprint, Path image,
                         Instant lastReload, ZoneOutcome lastResult) {

    ServedZone checked(Instant when, ZoneOutcome result) {
        return new ServedZone(config, zone, fingerprint, image, when, result);
    }
}
