package io.hpdns.zone;

import org.xbill.DNS.Name;

/** One loaded, validated zone. Immutable. */
public final class Zone {
    private final Name origin;
    private final long serial;

    Zone(Name origin, long serial) {
        this.origin = origin;
        this.serial = serial;
    }

    public Name origin() { return origin; }

    public long serial() { return serial; }
}
