package io.hpdns.reload;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.query.AnswerCompiler;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ZoneChanges;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZoneProblem;
import io.hpdns.zone.UnavailableZone;
import io.hpdns.zone.ZoneImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * What a worker serves: the zones the manifest names ({@link ZoneImages}), mapped from the images
 * the compiler wrote ({@link ZoneCompiler}). Following a manifest maps each zone whose image
 * changed and publishes the new {@link ServingState} with one atomic store, RCU-style: queries in
 * flight finish on the state they started with; the next ones see the new one. A worker never
 * reads a zone file: it serves exactly what the compiler built, as every other worker does.
 */
public final class ZoneReloader {

    private static final Logger log = LoggerFactory.getLogger(ZoneReloader.class);

    private final ZoneListSource source;
    private final Clock clock;
    private final NewSerialListener newSerial;
    private final ZoneJournals journals;
    private final ZoneImages images;
    private final ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of()));
    /** The served zones in manifest order; replaced whole, never changed in place. */
    private volatile Map<Name, ServedZone> served = Map.of();
    /** The configured zones that have nothing to serve, answered SERVFAIL; replaced whole like {@link #served}. */
    private volatile Map<Name, UnservedZone> unserved = Map.of();

    /**
     * @param source the configuration, for each zone's settings besides its data (its notify list)
     * @param newSerial told, after a follow (not the initial one) publishes, about each zone whose
     *     serial changed or that was added
     * @param journals where each follow that replaces a zone records the change, before the new
     *     zone is published, for IXFR (RFC 1995)
     * @param images the state directory whose manifest this worker follows
     */
    public ZoneReloader(ZoneListSource source, Clock clock, NewSerialListener newSerial, ZoneJournals journals,
                        ZoneImages images) {
        this.source = source;
        this.clock = clock;
        this.newSerial = newSerial;
        this.journals = journals;
        this.images = images;
    }

    /** The changes kept for each zone, which IXFR requests are answered from. */
    public ZoneJournals journals() {
        return journals;
    }

    /** The reference the query path reads; every follow publishes into it. */
    public ServingStateHolder holder() {
        return holder;
    }

    /** The zones served now, in manifest order. */
    public List<ServedZone> served() {
        return List.copyOf(served.values());
    }

    /** The configured zones that failed to load with no earlier data to serve, in manifest order. */
    public List<UnservedZone> unserved() {
        return List.copyOf(unserved.values());
    }

    /**
     * Serves, for the first time, what the manifest names. Fails when there is no manifest (the
     * master compiles before it starts a worker) or an image cannot be mapped: this worker would
     * then serve other data than the others do.
     */
    public synchronized ReloadReport followInitial() {
        return follow(false);
    }

    /**
     * Serves what the manifest names now: each zone whose image differs from the one served is
     * mapped from its image, a zone no longer listed is removed. A zone whose image cannot be
     * mapped keeps what it served, and the follow reports the error.
     */
    public synchronized ReloadReport follow() {
        return follow(true);
    }

    private ReloadReport follow(boolean announce) {
        List<ZoneImages.Entry> manifest;
        try {
            manifest = images.manifest().orElse(null);
        } catch (IOException e) {
            log.error("cannot read the zone manifest: {}", e.getMessage());
            return new ReloadReport(List.of(), List.of("cannot read the zone manifest: " + e.getMessage()));
        }
        if (manifest == null) {
            return new ReloadReport(List.of(), List.of("no zone manifest in " + images.directory()
                    + "; nothing was loaded"));
        }
        ReloadReport report = apply(manifest, configuredZones(), announce);
        releaseOldMappings(report);
        return report;
    }

    /** The configuration's zones by name, for their notify lists; those served when it has errors. */
    private Map<Name, ZoneConfig> configuredZones() {
        Map<Name, ZoneConfig> byName = new HashMap<>();
        try {
            for (ZoneConfig config : source.zones()) {
                byName.put(config.name(), config);
            }
        } catch (ConfigException e) {
            log.warn("the configuration has errors; the notify lists of the zones stay as they were");
            for (ServedZone zone : served.values()) {
                byName.put(zone.config().name(), zone.config());
            }
        }
        return byName;
    }

    /**
     * The names at which the image {@code image} differs from {@code previous}, when it was patched
     * from that very image ({@link ZoneChanges}); null otherwise.
     */
    private static List<byte[]> changedNames(Path image, Path previous) {
        return ZoneChanges.readFor(image)
                .filter(changes -> changes.previousImage().equals(previous.getFileName().toString()))
                .map(ZoneChanges::names).orElse(null);
    }

    /**
     * A replaced zone's mapping is unmapped by the collector once no thread holds the zone
     * (docs/architecture.md, the grace period); one collection right after a follow that replaced
     * or removed a zone makes that prompt, on this cold path, instead of leaving the old image in
     * memory until the heap, which holds little else, fills.
     */
    private static void releaseOldMappings(ReloadReport report) {
        for (ZoneOutcome zone : report.zones()) {
            if (zone.kind() == ZoneOutcome.Kind.LOADED || zone.kind() == ZoneOutcome.Kind.REMOVED) {
                System.gc();
                return;
            }
        }
    }

    /**
     * Builds the served set the manifest names, mapping each zone whose image is not the one
     * served; publishes it if anything changed, and reports what happened.
     */
    private ReloadReport apply(List<ZoneImages.Entry> manifest, Map<Name, ZoneConfig> configured, boolean announce) {
        Map<Name, ServedZone> before = served;
        Map<Name, UnservedZone> unservedBefore = unserved;
        Map<Name, ServedZone> after = new LinkedHashMap<>();
        Map<Name, UnservedZone> unservedAfter = new LinkedHashMap<>();
        List<ZoneOutcome> outcomes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<ServedZone> newSerials = new ArrayList<>();
        boolean changed = false;
        for (ZoneImages.Entry entry : manifest) {
            Name name = entry.zone();
            ZoneConfig config = configured.getOrDefault(name, new ZoneConfig(name, entry.file()));
            ServedZone old = before.get(name);
            if (!entry.isServed()) {
                // The compiler could not load it and has nothing older: unserved.
                unservedAfter.put(name, new UnservedZone(config, entry.error(), clock.instant()));
                outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.FAILED, -1, List.of()));
                changed |= old != null || !unservedBefore.containsKey(name);
                continue;
            }
            if (old != null && entry.image().equals(old.image())) {
                ZoneOutcome outcome = new ZoneOutcome(name, ZoneOutcome.Kind.UNCHANGED, old.zone().serial(),
                        List.of());
                // The same data; the rest of the zone's configuration (its notify list) may be new.
                after.put(name, new ServedZone(config, old.zone(), old.image(), clock.instant(), entry.error()));
                outcomes.add(outcome);
                continue;
            }
            CompiledZone zone;
            long started = System.nanoTime();
            try {
                // Checksums checked; the structure was checked by the compiler that wrote it
                // (ZoneImage.Draft), which would take most of a second of this worker's CPU for a
                // million names.
                zone = ZoneImage.map(entry.image(), entry.zone());
            } catch (IOException e) {
                String error = "zone " + name + ": cannot map its image: " + e.getMessage();
                log.error("{}", error);
                errors.add(error);
                if (old != null) {
                    after.put(name, old);
                    outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.FAILED, old.zone().serial(), List.of()));
                } else {
                    unservedAfter.put(name, new UnservedZone(config, error, clock.instant()));
                    outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.FAILED, -1, List.of()));
                    changed |= !unservedBefore.containsKey(name);
                }
                continue;
            }
            log.info("zone {} mapped from {} in {} ms", name, entry.image().getFileName(),
                    (System.nanoTime() - started) / 1_000_000);
            ServedZone loaded = new ServedZone(config, zone, entry.image(), clock.instant(), entry.error());
            after.put(name, loaded);
            outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.LOADED, zone.serial(), List.of()));
            if (old != null) {
                // Cold path, before the publication below: a client notified of the new serial
                // finds the change already in the journal.
                journals.replaced(old.zone(), zone, () -> changedNames(entry.image(), old.image()));
            }
            if (old == null || old.zone().serial() != zone.serial()) {
                newSerials.add(loaded);
            }
            changed = true;
        }
        for (Name name : before.keySet()) {
            if (!after.containsKey(name) && !unservedAfter.containsKey(name)) {
                outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.REMOVED, -1, List.of()));
                journals.removed(name);
                changed = true;
            }
        }
        for (Name name : unservedBefore.keySet()) {
            if (!after.containsKey(name) && !unservedAfter.containsKey(name)) {
                outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.REMOVED, -1, List.of()));
                changed = true;
            }
        }
        if (changed) {
            List<CompiledZone> state = new ArrayList<>(after.size());
            for (ServedZone zone : after.values()) {
                state.add(zone.zone());
            }
            List<UnavailableZone> unavailable = new ArrayList<>(unservedAfter.size());
            for (Name name : unservedAfter.keySet()) {
                unavailable.add(new UnavailableZone(name));
            }
            holder.publish(ServingState.of(state, unavailable));
        }
        served = Collections.unmodifiableMap(after);
        unserved = Collections.unmodifiableMap(unservedAfter);
        if (announce) {
            for (ServedZone zone : newSerials) {
                newSerial.newSerial(zone);
            }
        }
        return new ReloadReport(outcomes, errors);
    }
}
