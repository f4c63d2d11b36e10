package io.hpdns.reload;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.query.AnswerCompiler;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
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
 *
 * <p>With {@link ZoneImages}, one worker loads from the files and the others {@link #follow} it:
 * they read the images it wrote, so all serve the same data and only one parses.
 */
public final class ZoneReloader {

    private static final Logger log = LoggerFactory.getLogger(ZoneReloader.class);

    private final ZoneListSource source;
    private final Clock clock;
    private final NewSerialListener newSerial;
    private final ZoneJournals journals;
    private final ZoneImages images;
    private final ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of()));
    /** The served zones in configuration order; replaced whole, never changed in place. */
    private volatile Map<Name, ServedZone> served = Map.of();
    /** The configured zones that have nothing to serve, answered SERVFAIL; replaced whole like {@link #served}. */
    private volatile Map<Name, UnservedZone> unserved = Map.of();
    /** During the first load from the files: the zones the previous run served from images ({@link ZoneImages#warm}). */
    private Map<Name, ZoneImages.Entry> warm = Map.of();
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
        this(source, clock, newSerial, journals, null);
    }

    /**
     * @param images where a load from the zone files writes each new zone's image and then the
     *     manifest, and where {@link #follow} reads them; null to share nothing
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

    /** The reference the query path reads; every reload publishes into it. */
    public ServingStateHolder holder() {
        return holder;
    }

    /** The zones served now, in configuration order. */
    public List<ServedZone> served() {
        return List.copyOf(served.values());
    }

    /** The configured zones that failed to load with no earlier data to serve, in configuration order. */
    public List<UnservedZone> unserved() {
        return List.copyOf(unserved.values());
    }

    /** Completed reloads, and those of them that reported an error. */
    public synchronized long[] reloadCounts() {
        return new long[] {reloads, failedReloads};
    }

    /**
     * Loads the zones to start serving. Unlike a reload, nothing is served yet, so a zone with an
     * error has no data: it is {@linkplain #unserved() unserved}, answered SERVFAIL, and the
     * others are served all the same, as Knot DNS and NSD do.
     */
    public synchronized ReloadReport loadInitial(List<ZoneConfig> zones) {
        warm = images == null ? Map.of() : images.warm();
        try {
            return loading(() -> apply(zones, null, false, null));
        } finally {
            warm = Map.of();
        }
    }

    /** How a worker got its first zones: from the files, or from the images another worker wrote. */
    public record InitialLoad(ReloadReport report, boolean followed) {
        /**
         * Whether the worker must not serve: it followed a manifest and could not read an image,
         * so it would serve other data than the other workers do. A zone file with errors is no
         * reason: that zone is unserved everywhere alike.
         */
        public boolean failed() {
            return followed && !report.ok();
        }
    }

    /**
     * Loads the zones to start serving from the images the manifest names, when there is one
     * (another worker serves them already), else from {@code zones}' files, like
     * {@link #loadInitial}.
     */
    public synchronized InitialLoad followInitial(List<ZoneConfig> zones) {
        Optional<List<ZoneImages.Entry>> manifest = manifest();
        if (manifest.isEmpty()) {
            return new InitialLoad(loadInitial(zones), false);
        }
        return new InitialLoad(loading(() -> follow(manifest.get(), zones, false)), true);
    }

    /**
     * Serves what the manifest names, as the worker that wrote it does: each zone whose image
     * differs from the one served is read from its image (or from its file when it has none), a
     * zone no longer listed is removed. Nothing changes when there is no manifest to read.
     */
    public synchronized ReloadReport follow() {
        Optional<List<ZoneImages.Entry>> manifest = manifest();
        if (manifest.isEmpty()) {
            return counted(new ReloadReport(List.of(), List.of("no readable zone manifest in "
                    + (images == null ? "(no images directory)" : images.directory()) + "; nothing was reloaded")));
        }
        List<ZoneConfig> configured = configuredZones();
        return counted(loading(() -> follow(manifest.get(), configured, true)));
    }

    /** The configuration's zones, for their notify lists; those served when it has errors. */
    private List<ZoneConfig> configuredZones() {
        try {
            return source.zones();
        } catch (ConfigException e) {
            log.warn("reload: the configuration has errors; the notify lists of the zones stay as they were");
            List<ZoneConfig> served = new ArrayList<>();
            for (ServedZone zone : this.served.values()) {
                served.add(zone.config());
            }
            return served;
        }
    }

    private Optional<List<ZoneImages.Entry>> manifest() {
        if (images == null) {
            return Optional.empty();
        }
        try {
            return images.manifest();
        } catch (IOException e) {
            log.error("cannot read the zone manifest: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The manifest's zones, each with its configuration ({@code configured}'s entry of that name, or
     * just its name and file when the configuration read here does not have it).
     */
    private ReloadReport follow(List<ZoneImages.Entry> manifest, List<ZoneConfig> configured, boolean announce) {
        Map<Name, ZoneConfig> byName = new HashMap<>();
        for (ZoneConfig config : configured) {
            byName.put(config.name(), config);
        }
        List<ZoneConfig> zones = new ArrayList<>(manifest.size());
        Map<Name, ZoneImages.Entry> entries = new HashMap<>();
        for (ZoneImages.Entry entry : manifest) {
            zones.add(byName.getOrDefault(entry.zone(), new ZoneConfig(entry.zone(), entry.file())));
            entries.put(entry.zone(), entry);
        }
        return apply(zones, null, announce, entries);
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
        return counted(loading(() -> apply(zones, null, true, null)));
    }

    /**
     * Reloads one configured zone (served, or unserved after a failed load), if its files changed;
     * the zone list is not read again.
     */
    public synchronized ReloadReport reload(Name zone) {
        if (!served.containsKey(zone) && !unserved.containsKey(zone)) {
            String error = zone + ": not a configured zone (to add a zone, add it to the configuration and reload all)";
            log.error("reload: {}", error);
            return counted(new ReloadReport(List.of(), List.of(error)));
        }
        List<ZoneConfig> zones = new ArrayList<>();
        for (ServedZone s : served.values()) {
            zones.add(s.config());
        }
        for (UnservedZone u : unserved.values()) {
            zones.add(u.config());
        }
        return counted(loading(() -> apply(zones, zone, true, null)));
    }

    private ReloadReport counted(ReloadReport report) {
        reloads++;
        if (!report.ok()) {
            failedReloads++;
        }
        return report;
    }

    /**
     * Runs a load at the loading priority ({@link LoadingPriority}), then gives back the memory it
     * left behind.
     */
    private static ReloadReport loading(Supplier<ReloadReport> load) {
        return releasingGarbage(LoadingPriority.lowered(load));
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
     * {@code only}, when given), or, when following a manifest, each zone whose image there differs
     * from the one served; publishes it if anything changed, and reports what happened. A zone that
     * fails keeps its old data; one that has none is unserved. Loading from the files ends with a
     * new manifest for the other workers to follow.
     *
     * @param followed the manifest's entry for each zone when following it, else null
     */
    private ReloadReport apply(List<ZoneConfig> zones, Name only, boolean announce,
                               Map<Name, ZoneImages.Entry> followed) {
        Map<Name, ServedZone> before = served;
        Map<Name, UnservedZone> unservedBefore = unserved;
        Map<Name, ServedZone> after = new LinkedHashMap<>();
        Map<Name, UnservedZone> unservedAfter = new LinkedHashMap<>();
        List<ZoneOutcome> outcomes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<ServedZone> newSerials = new ArrayList<>();
        boolean changed = false;
        for (ZoneConfig config : zones) {
            ServedZone old = before.get(config.name());
            if (only != null && !only.equals(config.name())) {
                if (old != null) {
                    after.put(config.name(), old);
                } else if (unservedBefore.containsKey(config.name())) {
                    unservedAfter.put(config.name(), unservedBefore.get(config.name()));
                }
                continue;
            }
            ZoneImages.Entry entry = followed == null ? null : followed.get(config.name());
            if (entry != null && entry.unserved() != null) {
                // The worker that read the files could not load it: unserved here too.
                ZoneOutcome outcome = new ZoneOutcome(config.name(), ZoneOutcome.Kind.FAILED, -1, List.of());
                unservedAfter.put(config.name(), new UnservedZone(config, entry.unserved(), clock.instant()));
                outcomes.add(outcome);
                changed |= old != null || !unservedBefore.containsKey(config.name());
                continue;
            }
            Path image = entry == null ? null : entry.image();
            if (old != null && (image != null ? image.equals(old.image()) : unchanged(old, config))) {
                ZoneOutcome outcome = new ZoneOutcome(config.name(), ZoneOutcome.Kind.UNCHANGED, old.zone().serial(),
                        List.of());
                // The same data; the rest of the zone's configuration (its notify list) may be new.
                after.put(config.name(), new ServedZone(config, old.zone(), old.fingerprint(), old.image(),
                        clock.instant(), outcome));
                outcomes.add(outcome);
                continue;
            }
            Built built = image != null ? fromImage(config, image) : fromWarmImage(config);
            if (built == null) {
                built = fromFiles(config);
            }
            if (built.zone() != null) {
                CompiledZone zone = built.zone();
                ZoneOutcome outcome = new ZoneOutcome(config.name(), ZoneOutcome.Kind.LOADED, zone.serial(),
                        built.problems());
                ServedZone loaded = new ServedZone(config, zone, built.fingerprint(), built.image(), clock.instant(),
                        outcome);
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
                        old == null ? -1 : old.zone().serial(), built.problems());
                if (old != null) {
                    // All or nothing: the zone keeps the data it had, from the file it had.
                    after.put(config.name(), old.checked(clock.instant(), outcome));
                } else {
                    unservedAfter.put(config.name(), new UnservedZone(config, firstError(built.problems()),
                            clock.instant()));
                    changed |= !unservedBefore.containsKey(config.name());
                }
                for (ZoneProblem problem : built.problems()) {
                    if (problem.isError()) {
                        errors.add(problem.format());
                    }
                }
                outcomes.add(outcome);
            }
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
        if (followed == null && images != null) {
            publishManifest(after.values(), unservedAfter.values());
        }
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

    /** The first error among a failed load's problems, as {@code file:line: message}. */
    private static String firstError(List<ZoneProblem> problems) {
        for (ZoneProblem problem : problems) {
            if (problem.isError()) {
                return problem.format();
            }
        }
        return "failed to load";
    }

    private static boolean unchanged(ServedZone old, ZoneConfig config) {
        return old.config().file().equals(config.file()) && old.fingerprint().unchanged();
    }

    /** A zone built (then {@code problems} holds its warnings), or not (its errors). */
    private record Built(CompiledZone zone, ZoneFingerprint fingerprint, Path image, List<ZoneProblem> problems) {}

    /**
     * Reads, validates and compiles the zone from its files, off the I/O threads, and writes its
     * image for the other workers when there is a state directory, then serves the image too.
     */
    private Built fromFiles(ZoneConfig config) {
        byte[] masterDigest = ZoneFingerprint.digest(config.file());
        ZoneLoadResult result = ZoneLoader.load(config.name(), config.file());
        logProblems(result.problems());
        if (!result.ok()) {
            return new Built(null, null, null, result.problems());
        }
        CompiledZone zone = AnswerCompiler.compile(result.zone());
        ZoneFingerprint fingerprint = ZoneFingerprint.of(result.files(), masterDigest);
        Path image = null;
        if (images != null) {
            long started = System.nanoTime();
            try {
                image = images.write(zone, fingerprint);
                log.info("zone {} image written to {} in {} ms", config.name(), image,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (IOException e) {
                log.error("zone {}: could not write its image in {} ({}); the other workers will read {} instead",
                        config.name(), images.directory(), e.getMessage(), config.file());
            }
        }
        if (image != null) {
            // Served from the file, as every other worker serves it: one copy in the page cache.
            try {
                zone = ZoneImage.mapWritten(image);
            } catch (IOException e) {
                log.warn("zone {}: its image {} cannot be read back ({}); serving the copy in memory", config.name(),
                        image, e.getMessage());
            }
        }
        return new Built(zone, fingerprint, image, result.problems());
    }

    /**
     * Warm start: the zone from the image the previous run served, when the zone's files still
     * have the content it was built from; null when there is none or it cannot be used, and the
     * files are to be read.
     */
    private Built fromWarmImage(ZoneConfig config) {
        ZoneImages.Entry entry = warm.get(config.name());
        if (entry == null || !entry.file().equals(config.file().toAbsolutePath())) {
            return null;
        }
        long started = System.nanoTime();
        try {
            if (!ZoneImage.readFingerprint(entry.image()).unchanged()) {
                log.info("zone {}: its files changed since the previous run; reading them", config.name());
                return null;
            }
            Built built = readImage(config, entry.image());
            log.info("zone {} taken from the previous run's image {} (its files are unchanged) in {} ms",
                    config.name(), entry.image(), (System.nanoTime() - started) / 1_000_000);
            return built;
        } catch (IOException e) {
            log.warn("zone {}: the previous run's image cannot be used ({}); reading its files", config.name(),
                    e.getMessage());
            return null;
        }
    }

    /** Reads the zone, compiled, from the image another worker wrote. */
    private static Built fromImage(ZoneConfig config, Path image) {
        long started = System.nanoTime();
        try {
            Built built = readImage(config, image);
            log.info("zone {} read from its image {} in {} ms", config.name(), image,
                    (System.nanoTime() - started) / 1_000_000);
            return built;
        } catch (IOException e) {
            ZoneProblem problem = new ZoneProblem(ZoneProblem.Severity.ERROR, image.toString(), 0,
                    "cannot read the zone image: " + e.getMessage());
            log.error("{}", problem.format());
            return new Built(null, null, null, List.of(problem));
        }
    }

    private static Built readImage(ZoneConfig config, Path image) throws IOException {
        ZoneImage.Loaded loaded = ZoneImage.read(image);
        if (!loaded.zone().origin().equals(config.name())) {
            throw new IOException("it holds zone " + loaded.zone().origin() + ", not " + config.name());
        }
        return new Built(loaded.zone(), loaded.fingerprint(), image, List.of());
    }

    /**
     * Names the images now served as the ones for the other workers to serve. A manifest that
     * cannot be written leaves them on the previous one: they keep serving what they served.
     */
    private void publishManifest(Collection<ServedZone> zones, Collection<UnservedZone> unservedZones) {
        try {
            images.publish(zones, unservedZones);
        } catch (IOException e) {
            log.error("could not write the zone manifest in {}: {}; the other workers keep the zones they serve",
                    images.directory(), e.getMessage());
        }
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
