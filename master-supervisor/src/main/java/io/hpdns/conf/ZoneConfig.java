package io.hpdns.conf;

import java.nio.file.Path;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * One zone to serve: its origin (always absolute) and its master file.
 *
 * @param name the zone's origin, absolute
 * @param file the master file; a path from the configuration is already resolved against the
 *     configuration file's directory
 */
public record ZoneConfig(Name name, Path file) {

    public ZoneConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        if (!name.isAbsolute()) {
            throw new IllegalArgumentException("zone name must be absolute: " + name);
        }
    }
}
