package io.hpdns.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the query path answers from, immutable once built: the served zones, and the
 * configured zones that have no data ({@link UnavailableZone}), found for a query name by longest
 * suffix match (RFC 1034 §4.3.2 step 2, "the nearest ancestor zone").
 */
public final class ServingState {

    private final List<CompiledZone> zones;
    private final List<UnavailableZone> unavailable;
    private final NameTable<Authority> byOrigin;

    private ServingState(List<CompiledZone> zones, List<UnavailableZone> unavailable) {
        this.zones = List.copyOf(zones);
        this.unavailable = List.copyOf(unavailable);
        List<Authority> all = new ArrayList<>(zones);
        all.addAll(unavailable);
        byte[][] keys = new byte[all.size()][];
        Object[] values = new Object[all.size()];
        for (int i = 0; i < keys.length; i++) {
            Authority authority = all.get(i);
            keys[i] = authority instanceof CompiledZone zone ? zone.originKey() : NameTable.key(authority.origin().toWire());
            values[i] = authority;
            for (int j = 0; j < i; j++) {
                if (Arrays.equals(keys[i], keys[j])) {
                    throw new IllegalArgumentException("zone " + authority.origin() + " is listed twice");
                }
            }
        }
        this.byOrigin = new NameTable<>(keys, values, keys.length);
    }

    public static ServingState of(List<CompiledZone> zones) {
        return new ServingState(zones, List.of());
    }

    /** The served zones, and the configured zones without data, whose names are answered SERVFAIL. */
    public static ServingState of(List<CompiledZone> zones, List<UnavailableZone> unavailable) {
        return new ServingState(zones, unavailable);
    }

    public List<CompiledZone> zones() {
        return zones;
    }

    public List<UnavailableZone> unavailable() {
        return unavailable;
    }

    /**
     * The zone, or unavailable zone, with the longest origin that is a suffix of the lowercased
     * name; null when there is none.
     *
     * @param labelStarts offsets of the name's labels; entry {@code labelCount} is the root label
     * @param firstLabel 0 to consider the name itself, 1 to start at its parent
     */
    public Authority findAuthority(byte[] name, int nameLen, int[] labelStarts, int labelCount, int firstLabel) {
        for (int i = firstLabel; i <= labelCount; i++) {
            int off = labelStarts[i];
            Authority authority = byOrigin.get(name, off, nameLen - off);
            if (authority != null) {
                return authority;
            }
        }
        return null;
    }
}
