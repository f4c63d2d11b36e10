package io.hpdns.zone;

import java.util.List;

/**
 * Everything the query path answers from, immutable once built: the served zones, found for a
 * query name by longest suffix match (RFC 1034 §4.3.2 step 2, "the nearest ancestor zone").
 */
public final class ServingState {

    private final List<Zone> zones;
    private final NameTable<Zone> byOrigin;

    private ServingState(List<Zone> zones) {
        this.zones = List.copyOf(zones);
        byte[][] keys = new byte[zones.size()][];
        Object[] values = new Object[zones.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = zones.get(i).originKey();
            values[i] = zones.get(i);
            for (int j = 0; j < i; j++) {
                if (java.util.Arrays.equals(keys[i], keys[j])) {
                    throw new IllegalArgumentException("zone " + zones.get(i).origin() + " is listed twice");
                }
            }
        }
        this.byOrigin = new NameTable<>(keys, values, keys.length);
    }

    public static ServingState of(List<Zone> zones) {
        return new ServingState(zones);
    }

    public List<Zone> zones() {
        return zones;
    }

    /**
     * The zone with the longest origin that is a suffix of the lowercased name, or null.
     *
     * @param labelStarts offsets of the name's labels; entry {@code labelCount} is the root label
     * @param firstLabel 0 to consider the name itself, 1 to start at its parent
     */
    public Zone findZone(byte[] name, int nameLen, int[] labelStarts, int labelCount, int firstLabel) {
        for (int i = firstLabel; i <= labelCount; i++) {
            int off = labelStarts[i];
            Zone zone = byOrigin.get(name, off, nameLen - off);
            if (zone != null) {
                return zone;
            }
        }
        return null;
    }
}
