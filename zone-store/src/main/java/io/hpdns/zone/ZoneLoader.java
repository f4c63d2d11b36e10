package io.hpdns.zone;

import java.nio.file.Path;
import org.xbill.DNS.Name;

/** Reads a master file with dnsjava and validates it into a {@link Zone}. */
public final class ZoneLoader {
    private ZoneLoader() {}

    /** Never throws for bad zone content or an unreadable file: those come back as problems. */
    public static ZoneLoadResult load(Name origin, Path file) {
        throw new UnsupportedOperationException();
    }
}
