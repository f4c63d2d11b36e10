package io.hpdns.zone;

import org.xbill.DNS.Name;

/**
 * What the serving state holds for a configured zone origin: the zone itself, answered from, or
 * an {@link UnavailableZone}, configured but with no data to answer from. The query path tells the
 * two apart with one type check after the longest-suffix search (RFC 1034 §4.3.2 step 2).
 */
public sealed interface Authority permits CompiledZone, UnavailableZone {

    /** The zone's origin, the name it is configured and found under. */
    Name origin();
}
