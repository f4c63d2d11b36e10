package io.hpdns.conf;

import io.hpdns.notify.NotifyTargets;
import java.nio.file.Path;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * One zone to serve: its origin (always absolute), its master file and the secondaries to notify.
 *
 * @param name the zone's origin, absolute
 * @param file the master file; a path from the configuration is already resolved against the
 *     configuration file's directory
 * @param secondaries the secondaries sent a NOTIFY when a new serial is served (config {@code notify})
 */
public record ZoneConfig(Name name, Path file, NotifyTargets secondaries) {

    /** A zone that notifies nobody, as given with {@code --zone}. */
    public ZoneConfig(Name name, Path file) {
        this(name, file, NotifyTargets.NONE);
    }

    public ZoneConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(secondaries, "secondaries");
        if (!name.isAbsolute()) {
            throw new IllegalArgumentException("zone name must be absolute: " + name);
        }
    }
}
