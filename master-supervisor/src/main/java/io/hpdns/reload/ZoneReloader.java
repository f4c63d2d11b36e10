package io.hpdns.reload;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.query.AnswerCompiler;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZoneProblem;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Loads the zones and reloads them while they are served, RCU-style: the new zones are read,
 * validated and their common answers compiled ({@link AnswerCompiler}) on the caller's thread (never
 * an I/O thread) into a new {@link ServingState} beside the one being answered from, which is then
 * published with one atomic store. Queries in flight finish on the state they started with; the
 * next ones see the new one.
 *
 * <p>All or nothing per zone: a zone with an error keeps serving its old data, and the others are
 * reloaded all the same. A zone whose files have the same content as when it was built (see
 * {@link ZoneFingerprint}) is not read again: the same {@link Zone} object goes into the new state.
 * One reload runs at a time.
 */
public final class ZoneReloader {

    private static final Logger log = LoggerFactory.getLogger(ZoneReloader.class);

    private final ZoneListSource source;
    private final Clock clock;
    private final NewSerialListener newSerial;
    private final ZoneJournals journals;
    private final ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of()));
    /** The served zones in configuration order; replaced whole, never changed in place. */
    private volatile Map<Name, ServedZone> served = Map.of();
    private long reloads;
    private long failedReloads;

    public ZoneReloader(ZoneListSource source, Clock clock) {
        this(source, clock, NewSerialListener.NONE);
    }

    /**
     * @param newSerial told, after a reload (not the initial load) publishes, about each zone whose
     *     serial changed or that was added
     */
    public ZoneReloader(ZoneListSource source, Clock clock, NewSerialListener newSerial) {
        this(source, clock, newSerial, new ZoneJournals(ZoneJournals.DEFAULT_DEPTH));
    }

    /**
     * @param journals where each reload that replaces a zone records the change, before the new
     *     zone is published, for IXFR (RFC 1995)
     */
    public ZoneReloader(ZoneListSource source, Clock clock, NewSerialListener newSerial, ZoneJournals journals) {
        this.source = source;
        this.clock = clock;
        this.newSerial = newSerial;
        this.journals = journals;
    }

    /** The changes kept for each zone, which IXFR requests are answered from. */
    public ZoneJournals journals() {
        return journals;
    }

    /** The reference the query path reads; every reload publishes into it. */
    public ServingStateHolder holder() {
        return holder;
    }

    /** The zones served now, in configuration order. */
    public List<ServedZone> served() {
        return List.copyOf(served.values());
    }

    /** Completed reloads, and those of them that reported an error. */
    public synchronized long[] reloadCounts() {
        return new long[] {reloads, failedReloads};
    }

    /**
     * Loads the zones to start serving. Unlike a reload, nothing is served yet, so a zone with an
     * error is simply not served: the caller decides whether to start without it.
     */
    public synchronized ReloadReport loadInitial(List<ZoneConfig> zones) {
        return releasingGarbage(apply(zones, null, false));
    }

    /**
     * Reads the zone list again (a zone may have been added or removed) and reloads every zone
     * whose files changed. A configuration error changes nothing and is reported.
     */
    public synchronized ReloadReport reloadAll() {
        List<ZoneConfig> zones;
        try {
            zones = source.zones();
        } catch (ConfigException e) {
            List<String> errors = new ArrayList<>();
            for (ConfigProblem problem : e.problems()) {
                errors.add(problem.format());
                log.error("reload: {}", problem.format());
            }
            log.error("reload: the configuration has errors; nothing was reloaded");
            return counted(new ReloadReport(List.of(), errors));
        }
        return counted(releasingGarbage(apply(zones, null, true)));
    }

    /** Reloads one served zone, if its files changed; the zone list is not read again. */
    public synchronized ReloadReport reload(Name zone) {
        if (!served.containsKey(zone)) {
            String error = zone + ": not a served zone (to add a zone, add it to the configuration and reload all)";
            log.error("reload: {}", error);
            return counted(new ReloadReport(List.of(), List.of(error)));
        }
        List<ZoneConfig> zones = new ArrayList<>();
        for (ServedZone s : served.values()) {
            zones.add(s.config());
        }
        return counted(releasingGarbage(apply(zones, zone, true)));
    }

    private ReloadReport counted(ReloadReport report) {
        reloads++;
        if (!report.ok()) {
            failedReloads++;
        }
        return report;
    }

    /**
     * Parsing leaves a few times the new zones' size behind as garbage, and a reload leaves the
     * old zones once readers let go of them. One full collection right after, on this cold path,
     * lets the collector return that memory to the operating system (with the heap free ratios
     * scripts/hpdns sets), so the resident size stays close to what the served zones need. It
     * runs once {@link #apply} has returned and replaced {@link #served}: from inside, the old
     * zones were still reachable and survived it, and the resident size after reloading a
     * million-name zone stayed near 1 GB instead of 330 MB.
     */
    private static ReloadReport releasingGarbage(ReloadReport report) {
        for (ZoneOutcome zone : report.zones()) {
            if (zone.kind() == ZoneOutcome.Kind.LOADED || zone.kind() == ZoneOutcome.Kind.REMOVED) {
                System.gc();
                break;
            }
        }
        return report;
    }

    /**
     * Builds the served set for {@code zones}, loading each zone whose files changed (only
     * {@code only}, when given), publishes it if anything changed, and reports what happened.
     */
    private ReloadReport apply(List<ZoneConfig> zones, Name only, boolean announce) {
        Map<Name, ServedZone> before = served;
        Map<Name, ServedZone> after = new LinkedHashMap<>();
        List<ZoneOutcome> outcomes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<ServedZone> newSerials = new ArrayList<>();
        boolean changed = false;
        for (ZoneConfig config : zones) {
            ServedZone old = before.get(config.name());
            if (only != null && !only.equals(config.name())) {
                after.put(config.name(), old);
                continue;
            }
            if (old != null && old.config().file().equals(config.file()) && old.fingerprint().unchanged()) {
                ZoneOutcome outcome = new ZoneOutcome(config.name(), ZoneOutcome.Kind.UNCHANGED, old.zone().serial(),
                        List.of());
                // The same data; the rest of the zone's configuration (its notify list) may be new.
                after.put(config.name(), new ServedZone(config, old.zone(), old.fingerprint(), clock.instant(),
                        outcome));
                outcomes.add(outcome);
                continue;
            }
            byte[] masterDigest = ZoneFingerprint.digest(config.file());
            ZoneLoadResult result = ZoneLoader.load(config.name(), config.file());
            logProblems(result.problems());
            if (result.ok()) {
                // Off the I/O threads, before the zone is published: its common answers as bytes.
                Zone zone = AnswerCompiler.compile(result.zone());
                ZoneOutcome outcome = new ZoneOutcome(config.name(), ZoneOutcome.Kind.LOADED, zone.serial(),
                        result.problems());
                ServedZone loaded = new ServedZone(config, zone, ZoneFingerprint.of(result.files(), masterDigest),
                        clock.instant(), outcome);
                after.put(config.name(), loaded);
                outcomes.add(outcome);
                if (old != null) {
                    // Cold path, before the publication below: a client notified of the new serial
                    // finds the change already in the journal.
                    journals.replaced(old.zone(), zone);
                }
                if (old == null || old.zone().serial() != zone.serial()) {
                    newSerials.add(loaded);
                }
                changed = true;
            } else {
                ZoneOutcome outcome = new ZoneOutcome(config.name(), ZoneOutcome.Kind.FAILED,
                        old == null ? -1 : old.zone().serial(), result.problems());
                if (old != null) {
                    // All or nothing: the zone keeps the data it had, from the file it had.
                    after.put(config.name(), old.checked(clock.instant(), outcome));
                }
                for (ZoneProblem problem : result.problems()) {
                    if (problem.isError()) {
                        errors.add(problem.format());
                    }
                }
                outcomes.add(outcome);
            }
        }
        for (Name name : before.keySet()) {
            if (!after.containsKey(name)) {
                outcomes.add(new ZoneOutcome(name, ZoneOutcome.Kind.REMOVED, -1, List.of()));
                journals.removed(name);
                changed = true;
            }
        }
        if (changed) {
            List<Zone> state = new ArrayList<>(after.size());
            for (ServedZone zone : after.values()) {
                state.add(zone.zone());
            }
            holder.publish(ServingState.of(state));
        }
        served = Collections.unmodifiableMap(after);
        for (ZoneOutcome outcome : outcomes) {
            if (outcome.kind() == ZoneOutcome.Kind.FAILED) {
                log.error("zone {}", outcome.describe());
            } else {
                log.info("zone {}", outcome.describe());
            }
        }
        if (announce) {
            for (ServedZone zone : newSerials) {
                newSerial.newSerial(zone);
            }
        }
        return new ReloadReport(outcomes, errors);
    }

    private static void logProblems(List<ZoneProblem> problems) {
        for (ZoneProblem problem : problems) {
            if (problem.isError()) {
                log.error("{}", problem.format());
            } else {
                log.warn("{}", problem.format());
            }
        }
    }
}
