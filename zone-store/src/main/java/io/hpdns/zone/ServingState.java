package io.hpdns.zone;

import java.util.List;

/** Everything the query path answers from, immutable once built: the served zones. */
public final class ServingState {

    private final List<Zone> zones;

    private ServingState(List<Zone> zones) {
        this.zones = List.copyOf(zones);
    }

    public static ServingState of(List<Zone> zones) {
        return new ServingState(zones);
    }

    public List<Zone> zones() {
        return zones;
    }
}
