package io.hpdns.reload;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.zone.CompiledZone;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A zone being served, with the image it is mapped from and how its latest load went.
 *
 * @param zone the zone answered from
 * @param image the image {@code zone} is mapped from ({@link ZoneImages})
 * @param lastReload when this worker last followed a manifest naming it
 * @param lastError the first error of the zone's latest load when that failed and {@code zone} is
 *     the data built before, {@code file:line: message}; null when the latest load succeeded
 */
public record ServedZone(ZoneConfig config, CompiledZone zone, Path image, Instant lastReload, String lastError) {
}
