package io.hpdns.zone;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The one mutable reference between reloads and the query path (RCU-style): readers load it once
 * per query and never block; a reload builds a complete new {@link ServingState} beside the old one
 * and publishes it with a single atomic store. The old state is reclaimed by the GC once no reader
 * holds it, so the GC is the grace period.
 */
public final class ServingStateHolder {

    private final AtomicReference<ServingState> current;

    public ServingStateHolder(ServingState initial) {
        this.current = new AtomicReference<>(initial);
    }

    /** The state to answer one query from; read it once per query. */
    public ServingState get() {
        return current.getAcquire();
    }

    public void publish(ServingState next) {
        current.setRelease(next);
    }
}
