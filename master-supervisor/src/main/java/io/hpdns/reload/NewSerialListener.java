package io.hpdns.reload;

/** Told about each zone a reload published with a serial it did not have before, e.g. to send NOTIFY. */
@FunctionalInterface
public interface NewSerialListener {

    NewSerialListener NONE = zone -> {};

    /** Called after the new zone is published, on the reloading thread; must return quickly. */
    void newSerial(ServedZone zone);
}
