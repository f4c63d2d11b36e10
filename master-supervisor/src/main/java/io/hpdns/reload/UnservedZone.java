package io.hpdns.reload;

import io.hpdns.conf.ZoneConfig;
import java.time.Instant;

/**
 * A configured zone with nothing to serve: it failed to load and no earlier version of it was
 * served. Its names are answered SERVFAIL until a reload loads it.
 *
 * @param reason the first error of its load, {@code file:line: message}, as {@code ctl status} shows it
 */
public record UnservedZone(ZoneConfig config, String reason, Instant lastReload) {
}
