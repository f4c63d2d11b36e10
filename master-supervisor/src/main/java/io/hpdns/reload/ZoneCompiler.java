package io.hpdns.reload;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerPatch;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.FileState;
import io.hpdns.zone.ZoneChanges;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZoneProblem;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZonePatch;
import io.hpdns.zone.ZoneSource;
import io.hpdns.zonefile.ScanState;
import io.hpdns.zonefile.ZoneFileScanner;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Turns zone files into the images the workers serve (docs/architecture.md, "Zones: compiled,
 * mapped, swapped"): reads each zone whose files changed since its image was built, validates it,
 * compiles its layout and common answers, writes its image into the state directory, and then
 * publishes the manifest naming the image of every zone. It runs in the compiler process
 * ({@code hpdns compile}), which the master starts for each load and which answers no query, so
 * the parse, the compile and their garbage never touch a serving thread. It keeps nothing between
 * runs but the state directory: what a zone was last built from is its image's fingerprint.
 *
 * <p>All or nothing per zone: a zone with an error keeps the image it had (the manifest records
 * the error beside it), one that never loaded is unserved (answered SERVFAIL), and the others are
 * compiled all the same. Zones are compiled side by side, one per thread.
 */
public final class ZoneCompiler {

    private static final Logger log = LoggerFactory.getLogger(ZoneCompiler.class);

    /**
     * A zone of at least this many names compiled at a start with no image to take answers from
     * is served first from its layout alone, its answers compiled into a later image
     * ({@link #compileDeferredAnswers}): they take twice as long as the layout (docs/performance.md,
     * "Start-up: a cold start"), and a smaller zone's take less than a second JVM would.
     */
    public static final int DEFERRED_ANSWERS_FROM = 50_000;

    private final ZoneImages images;
    private final int threads;

    /** @param threads how many zones to compile at once */
    public ZoneCompiler(ZoneImages images, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads);
        }
        this.images = images;
        this.threads = threads;
    }

    /**
     * The first compile of a master's run: a zone whose files are unchanged since the previous
     * run built its image ({@link ZoneImages#warm}) is served from that image once its checksums
     * hold; every other zone is read from its files. A zone that fails has no earlier data: it is
     * unserved.
     */
    public ReloadReport compileInitial(ZoneListSource source) {
        return compileListed(source, images.warm(), true);
    }

    /**
     * A reload: reads the zone list again (a zone may have been added or removed) and compiles
     * every zone whose files changed since its image was built. A configuration error changes
     * nothing and is reported.
     */
    public ReloadReport compileAll(ZoneListSource source) {
        return compileListed(source, served(), false);
    }

    /** Every zone {@code source} lists, against {@code previous}; a configuration error changes nothing. */
    private ReloadReport compileListed(ZoneListSource source, Map<Name, ZoneImages.Entry> previous, boolean initial) {
        List<ZoneConfig> zones;
        try {
            zones = source.zones();
        } catch (ConfigException e) {
            return configurationErrors(e);
        }
        return compile(zones, null, previous, initial);
    }

    /**
     * Reloads one zone of the manifest (served, or unserved after a failed load) when its files
     * changed; the zone list is not read again.
     */
    public ReloadReport compileOne(Name zone) {
        Map<Name, ZoneImages.Entry> served = served();
        if (!served.containsKey(zone)) {
            String error = zone + ": not a configured zone (to add a zone, add it to the configuration and reload all)";
            log.error("reload: {}", error);
            return new ReloadReport(List.of(), List.of(error));
        }
        List<ZoneConfig> zones = new ArrayList<>(served.size());
        for (ZoneImages.Entry entry : served.values()) {
            zones.add(new ZoneConfig(entry.zone(), entry.file()));
        }
        return compile(zones, zone, served, false);
    }

    /**
     * Compiles the answers of every zone of the manifest served from an image whose answers are
     * deferred ({@link AnswerCompiler#compileLayoutImage}) into a new image, and publishes the
     * manifest naming those; the other zones stay as they are. No zone's data change: each is
     * reported unchanged.
     */
    public ReloadReport compileDeferredAnswers() {
        List<Compiled> results = new ArrayList<>();
        for (ZoneImages.Entry entry : served().values()) {
            results.add(answersDeferred(entry) ? answered(entry) : new Compiled(entry, null, List.of()));
        }
        return published(results);
    }

    private static ReloadReport configurationErrors(ConfigException e) {
        List<String> errors = new ArrayList<>();
        for (ConfigProblem problem : e.problems()) {
            errors.add(problem.format());
            log.error("reload: {}", problem.format());
        }
        log.error("reload: the configuration has errors; nothing was reloaded");
        return new ReloadReport(List.of(), errors);
    }

    /** The manifest's zones by name, in its order; empty when there is none or it cannot be read. */
    private Map<Name, ZoneImages.Entry> served() {
        Map<Name, ZoneImages.Entry> served = new LinkedHashMap<>();
        try {
            for (ZoneImages.Entry entry : images.manifest().orElse(List.of())) {
                served.put(entry.zone(), entry);
            }
        } catch (IOException e) {
            log.error("cannot read the zone manifest ({}); every zone is read from its files", e.getMessage());
        }
        return served;
    }

    /**
     * What became of one zone: its manifest entry (null when removed), its outcome (null when
     * this compile left it alone) and errors.
     */
    private record Compiled(ZoneImages.Entry entry, ZoneOutcome outcome, List<String> errors) {}

    /**
     * Compiles {@code zones} (only {@code only}, when given) against what {@code previous} names,
     * publishes the new manifest and reports.
     */
    private ReloadReport compile(List<ZoneConfig> zones, Name only, Map<Name, ZoneImages.Entry> previous,
                                 boolean initial) {
        List<Future<Compiled>> pending = new ArrayList<>(zones.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, zones.size())),
                Thread.ofPlatform().name("hpdns-compile-", 0).factory())) {
            for (ZoneConfig config : zones) {
                ZoneImages.Entry before = previous.get(config.name());
                if (only != null && !only.equals(config.name())) {
                    pending.add(CompletableFuture.completedFuture(new Compiled(before, null, List.of())));
                } else {
                    pending.add(pool.submit(() -> compile(config, before, initial)));
                }
            }
        }
        List<Compiled> results = new ArrayList<>(zones.size());
        for (Future<Compiled> future : pending) {
            results.add(done(future));
        }
        if (only == null && !initial) {
            for (Name name : previous.keySet()) {
                if (zones.stream().noneMatch(zone -> zone.name().equals(name))) {
                    results.add(new Compiled(null, new ZoneOutcome(name, ZoneOutcome.Kind.REMOVED, -1, List.of()),
                            List.of()));
                }
            }
        }
        return published(results);
    }

    /** Publishes the manifest naming each result's entry, logs and reports the outcomes. */
    private ReloadReport published(List<Compiled> results) {
        List<ZoneImages.Entry> entries = new ArrayList<>(results.size());
        List<ZoneOutcome> outcomes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Compiled result : results) {
            if (result.entry() != null) {
                entries.add(result.entry());
            }
            if (result.outcome() != null) {
                outcomes.add(result.outcome());
                errors.addAll(result.errors());
            }
        }
        try {
            images.publish(entries);
        } catch (IOException e) {
            String error = "could not write the zone manifest in " + images.directory() + ": " + e.getMessage()
                    + "; the workers keep the zones they serve";
            log.error("{}", error);
            return new ReloadReport(List.of(), List.of(error));
        }
        for (ZoneOutcome outcome : outcomes) {
            if (outcome.kind() == ZoneOutcome.Kind.FAILED) {
                log.error("zone {}", outcome.describe());
            } else {
                log.info("zone {}", outcome.describe());
            }
        }
        return new ReloadReport(outcomes, errors);
    }

    private static Compiled done(Future<Compiled> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // compile(config, ...) reports every failure it expects; anything else is a bug, and fatal here.
            throw new IllegalStateException("compiling a zone failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling", e);
        }
    }

    /** One zone: kept when its files are unchanged, else compiled from them. */
    private Compiled compile(ZoneConfig config, ZoneImages.Entry before, boolean initial) {
        long started = System.nanoTime();
        // Taken before the file is read: a write after that is a change for the next reload.
        FileState state = FileState.settled(config.file());
        Compiled unread = keptUnread(config, before, initial);
        if (unread != null) {
            return unread;
        }
        // The master file is read once: its digest tells whether it changed, its octets are compiled.
        byte[] text = readMasterFile(config.file());
        ZoneFingerprint.Master master = new ZoneFingerprint.Master(state,
                text == null ? new byte[0] : ZoneFingerprint.digest(text));
        if (builtFromItsFile(before, config)) {
            try {
                Compiled kept = unchanged(config, before, initial, fingerprint -> fingerprint.unchanged(master.digest()));
                if (kept != null) {
                    return completed(before, initial, kept);
                }
                if (initial) {
                    log.info("zone {}: its files changed since the previous run; reading them", config.name());
                }
            } catch (IOException e) {
                log.warn("zone {}: its image {} cannot be used ({}); reading its files", config.name(),
                        before.image(), e.getMessage());
            }
        }
        // What a failure keeps serving: at a start, nothing older than the files.
        ZoneImages.Entry fallback = initial ? null : before;
        if (text == null) {
            // The loader says why the file cannot be read.
            return compiled(config, fallback, null, ZoneLoader.load(config.name(), config.file()), null, master,
                    null, initial, started);
        }
        // Mapped once: patched, or the answers of its unchanged nodes kept by a whole compile.
        CompiledZone previous = previousCompile(config, before);
        // A patch keeps the previous image's answers: one without is compiled whole.
        if (previous != null && !previous.answersDeferred()) {
            Compiled patched = patched(config, before, previous, text, master, started);
            if (patched != null) {
                return patched;
            }
        }
        List<ScanState> checkpoints = new ArrayList<>();
        ZoneLoadResult result = ZoneLoader.load(config.name(), config.file(), text, ZoneSource.CHECKPOINT_EVERY,
                checkpoints::add);
        return compiled(config, fallback, previous, result, text, master, checkpoints, initial, started);
    }

    /**
     * The zone kept as {@code before} names it when no file of it was written since it was read
     * ({@link ZoneFingerprint#unchangedSinceTaken}), without reading them; else null. An image that
     * cannot be used is looked at again once the files are read, and why said then.
     */
    private Compiled keptUnread(ZoneConfig config, ZoneImages.Entry before, boolean initial) {
        if (!builtFromItsFile(before, config)) {
            return null;
        }
        try {
            Compiled kept = unchanged(config, before, initial, ZoneFingerprint::unchangedSinceTaken);
            return kept == null ? null : completed(before, initial, kept);
        } catch (IOException e) {
            return null;
        }
    }

    /** The zone {@code kept}; by a reload, with what a start deferred completed (a failed or interrupted answers compile). */
    private Compiled completed(ZoneImages.Entry before, boolean initial, Compiled kept) {
        return !initial && answersDeferred(before) ? answered(before) : kept;
    }

    /** The master file's octets; null when it cannot be read (the loader then says why). */
    private static byte[] readMasterFile(Path file) {
        try {
            return ZoneFileScanner.readMasterFile(file);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The zone loaded as {@code result}, compiled into a new image, with its source kept beside it
     * ({@link ZoneSource}) when it was read from its master file alone, whose octets were
     * {@code text} (null: no source is kept); the unchanged nodes of {@code previous}, the zone's
     * previous compile (null: none), keep their answers.
     */
    private Compiled compiled(ZoneConfig config, ZoneImages.Entry fallback, CompiledZone previous,
                              ZoneLoadResult result, byte[] text, ZoneFingerprint.Master master,
                              List<ScanState> checkpoints,
                              boolean initial, long started) {
        logProblems(result.problems());
        if (!result.ok()) {
            return failed(config, fallback, result.problems());
        }
        long read = System.nanoTime();
        Zone zone = result.zone();
        ZoneFingerprint fingerprint = ZoneFingerprint.of(result.files(), master);
        Path image = images.newImage(zone.origin(), zone.serial());
        // At a start, nothing is served until this image is: a large zone is served from its
        // layout first, and its answers compiled after (compileDeferredAnswers).
        boolean deferred = initial && previous == null && zone.nodeCount() >= DEFERRED_ANSWERS_FROM;
        int kept = 0;
        try {
            // Its structure is checked before it becomes an image (ZoneImage.Draft); from then on
            // its checksums vouch for it.
            if (deferred) {
                AnswerCompiler.compileLayoutImage(zone, fingerprint, image);
            } else {
                kept = AnswerCompiler.compileImage(zone, previous, fingerprint, image);
            }
        } catch (IOException e) {
            return failed(config, fallback, List.of(imageProblem(e)));
        }
        if (text != null && result.files().size() == 1) {
            keepSource(config, image, new ZoneSource(text, checkpoints, result.everyRecordOnce(), 0));
        }
        long compiled = System.nanoTime();
        String done = deferred ? "laid out" : "compiled";
        String answers = deferred ? "the answers of its " + zone.nodeCount() + " names are compiled next"
                : "answers of " + kept + " of " + zone.nodeCount() + " names kept from the previous image";
        log.info("zone {} {} from {} into {} in {} ms (read {} ms, {} {} ms; {})", config.name(), done, config.file(),
                image.getFileName(), (compiled - started) / 1_000_000, (read - started) / 1_000_000, done,
                (compiled - read) / 1_000_000, answers);
        return new Compiled(ZoneImages.Entry.served(config.name(), config.file(), image, zone.serial()),
                new ZoneOutcome(config.name(), ZoneOutcome.Kind.LOADED, zone.serial(), result.problems()), List.of());
    }

    private ZoneProblem imageProblem(IOException e) {
        ZoneProblem problem = new ZoneProblem(ZoneProblem.Severity.ERROR, images.directory().toString(), 0,
                "cannot make the zone's image: " + e.getMessage());
        log.error("{}", problem.format());
        return problem;
    }

    /** Writes the source beside the image; a zone whose source is not kept is compiled whole next time. */
    private static void keepSource(ZoneConfig config, Path image, ZoneSource source) {
        try {
            source.writeFor(image);
        } catch (IOException e) {
            log.warn("zone {}: cannot keep its source beside its image ({}); its next change is compiled whole",
                    config.name(), e.getMessage());
        }
    }

    /**
     * The zone's edit since {@code before}, whose image is mapped as {@code previous}, made into a
     * new image from the octets around the edit ({@link ZonePatch}, {@link AnswerPatch}); null,
     * having published nothing, when the whole file is to be read (the reason is logged).
     */
    private Compiled patched(ZoneConfig config, ZoneImages.Entry before, CompiledZone previous, byte[] text,
                             ZoneFingerprint.Master master, long started) {
        ZoneSource source;
        try {
            source = ZoneSource.readFor(before.image());
        } catch (NoSuchFileException e) {
            // No source was kept (a zone with $INCLUDE): there is nothing to patch from.
            return null;
        } catch (IOException e) {
            log.info("zone {}: its whole file is read: {}", config.name(), e.getMessage());
            return null;
        }
        if (source.unusedAnswers() > previous.answers().bytes().byteSize() / 2) {
            log.info("zone {}: its whole file is read, to compact answers that patches left unused", config.name());
            return null;
        }
        ZonePatch.Outcome outcome;
        try {
            outcome = ZonePatch.read(previous, source, config.file(), text);
        } catch (RuntimeException e) {
            return patchFailed(config, e);
        }
        if (outcome instanceof ZonePatch.Whole whole) {
            log.info("zone {}: its whole file is read: {}", config.name(), whole.reason());
            return null;
        }
        ZonePatch.Patch patch = (ZonePatch.Patch) outcome;
        long read = System.nanoTime();
        Path image = images.newImage(config.name(), patch.serial());
        ZoneFingerprint fingerprint = ZoneFingerprint.of(List.of(config.file()), master);
        AnswerPatch.Result result;
        try {
            result = AnswerPatch.patchImage(previous, before.image(), patch, fingerprint, image);
        } catch (IOException e) {
            log.warn("zone {}: cannot patch its image ({}); its whole file is read", config.name(), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            return patchFailed(config, e);
        }
        logProblems(patch.problems());
        keepSource(config, image, new ZoneSource(text, patch.checkpoints(), patch.everyRecordOnce(),
                source.unusedAnswers() + result.unusedAnswers()));
        try {
            new ZoneChanges(before.image().getFileName().toString(), patch.names()).writeFor(image);
        } catch (IOException e) {
            log.warn("zone {}: cannot keep the names its edit changed beside its image ({}); workers compare the"
                    + " two versions whole for the IXFR journal", config.name(), e.getMessage());
        }
        long done = System.nanoTime();
        log.info("zone {} patched from {} into {} in {} ms (read {} ms, compiled {} ms; {} names changed, answers of"
                + " {} names compiled)", config.name(), config.file(), image.getFileName(),
                (done - started) / 1_000_000,
                (read - started) / 1_000_000, (done - read) / 1_000_000, patch.changes().size(), result.compiled());
        return new Compiled(ZoneImages.Entry.served(config.name(), config.file(), image, patch.serial()),
                new ZoneOutcome(config.name(), ZoneOutcome.Kind.LOADED, patch.serial(), patch.problems()), List.of());
    }

    /**
     * A patch that failed where it should not (a bug): the whole file is read instead, so that a
     * reload never depends on the patch. Null.
     */
    private static Compiled patchFailed(ZoneConfig config, RuntimeException e) {
        log.error("zone {}: patching its image failed unexpectedly; its whole file is read", config.name(), e);
        return null;
    }

    /** Whether {@code entry} names an image whose answers are deferred; false when it cannot be read. */
    private static boolean answersDeferred(ZoneImages.Entry entry) {
        try {
            return entry.answersDeferred();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The zone {@code entry} names, served from an image whose answers are deferred, with its
     * answers compiled into a new image; its source and the names it changed (none) kept beside it,
     * so that its next edit is patched and the workers keep its IXFR journal. When that fails, the
     * entry as it was: the zone is served as before, without them.
     */
    private Compiled answered(ZoneImages.Entry entry) {
        long started = System.nanoTime();
        Name name = entry.zone();
        Path image = images.newImage(name, entry.serial());
        try {
            CompiledZone deferred = ZoneImage.map(entry.image(), name);
            AnswerCompiler.compileDeferredAnswers(deferred, entry.image(), ZoneImage.readFingerprint(entry.image()),
                    image);
        } catch (IOException e) {
            String error = "zone " + name + ": cannot compile the answers of its image " + entry.image().getFileName()
                    + " (" + e.getMessage() + "); it is served without them";
            log.error("{}", error);
            return new Compiled(entry, new ZoneOutcome(name, ZoneOutcome.Kind.UNCHANGED, entry.serial(), List.of()),
                    List.of(error));
        }
        try {
            ZoneSource.linkFor(entry.image(), image);
        } catch (NoSuchFileException e) {
            // No source was kept (a zone with $INCLUDE): its next change is compiled whole, as before.
        } catch (IOException e) {
            log.warn("zone {}: cannot keep its source beside its image ({}); its next change is compiled whole",
                    name, e.getMessage());
        }
        try {
            new ZoneChanges(entry.image().getFileName().toString(), List.of()).writeFor(image);
        } catch (IOException e) {
            log.warn("zone {}: cannot note beside its image that its records did not change ({}); workers compare"
                    + " the two versions whole for the IXFR journal", name, e.getMessage());
        }
        log.info("zone {}: answers compiled into {} in {} ms", name, image.getFileName(),
                (System.nanoTime() - started) / 1_000_000);
        return new Compiled(new ZoneImages.Entry(name, entry.file(), image, entry.serial(), entry.error()),
                new ZoneOutcome(name, ZoneOutcome.Kind.UNCHANGED, entry.serial(), List.of()), List.of());
    }

    /**
     * The zone's previous compile, mapped, whose unchanged nodes keep their answers; null when
     * there is none to use (then every answer is compiled).
     */
    private static CompiledZone previousCompile(ZoneConfig config, ZoneImages.Entry before) {
        if (!builtFromItsFile(before, config)) {
            return null;
        }
        try {
            return ZoneImage.map(before.image(), config.name());
        } catch (IOException e) {
            log.warn("zone {}: its image {} cannot be used ({}); every answer is compiled anew", config.name(),
                    before.image(), e.getMessage());
            return null;
        }
    }

    /** Whether {@code before} names an image built from the file {@code config} names. */
    private static boolean builtFromItsFile(ZoneImages.Entry before, ZoneConfig config) {
        return before != null && before.builtFrom(config);
    }

    /**
     * The zone kept as {@code before} names it when its files have the content its image was built
     * from; null when they changed, and the files are to be read. An image kept from the previous
     * run ({@code initial}) has its checksums checked, since a damaged one would stop every worker
     * that maps it, but not its structure: its writer, of this very build (the state directory
     * keeps the images of one build only), checked that.
     *
     * @throws IOException when the image cannot be read or is damaged
     */
    private static Compiled unchanged(ZoneConfig config, ZoneImages.Entry before, boolean initial,
                                      Predicate<ZoneFingerprint> filesUnchanged) throws IOException {
        if (!filesUnchanged.test(ZoneImage.readFingerprint(before.image()))) {
            return null;
        }
        if (initial) {
            ZoneImage.verify(before.image(), config.name());
            log.info("zone {} taken from the previous run's image {} (its files are unchanged)", config.name(),
                    before.image().getFileName());
        }
        ZoneImages.Entry entry = ZoneImages.Entry.served(config.name(), before.file(), before.image(),
                before.serial());
        return new Compiled(entry, new ZoneOutcome(config.name(),
                initial ? ZoneOutcome.Kind.LOADED : ZoneOutcome.Kind.UNCHANGED, before.serial(), List.of()), List.of());
    }

    /**
     * A master's start with every zone unchanged since the previous run: publishes the previous
     * run's images as they are and returns the report, with no compiler to start. Null, having
     * published nothing, when a zone must be compiled.
     */
    public ReloadReport reuseWarm(List<ZoneConfig> zones) {
        Map<Name, ZoneImages.Entry> warm = images.warm();
        List<Compiled> kept = new ArrayList<>(zones.size());
        for (ZoneConfig config : zones) {
            ZoneImages.Entry before = warm.get(config.name());
            Compiled zone = null;
            if (builtFromItsFile(before, config)) {
                try {
                    zone = unchanged(config, before, true, fingerprint -> fingerprint.unchangedSinceTaken()
                            || fingerprint.unchanged(ZoneFingerprint.digest(config.file())));
                } catch (IOException e) {
                    // The compiler reads the zone's files, and says why.
                }
            }
            if (zone == null) {
                return null;
            }
            kept.add(zone);
        }
        return published(kept);
    }

    /** A zone that did not load: it keeps {@code before}'s image, if any, else it is unserved. */
    private static Compiled failed(ZoneConfig config, ZoneImages.Entry before, List<ZoneProblem> problems) {
        String first = "failed to load";
        List<String> errors = new ArrayList<>();
        for (ZoneProblem problem : problems) {
            if (problem.isError()) {
                if (errors.isEmpty()) {
                    first = problem.format();
                }
                errors.add(problem.format());
            }
        }
        if (before != null && before.isServed()) {
            return new Compiled(before.failed(first),
                    new ZoneOutcome(config.name(), ZoneOutcome.Kind.FAILED, before.serial(), problems), errors);
        }
        return new Compiled(ZoneImages.Entry.unserved(config.name(), config.file(), first),
                new ZoneOutcome(config.name(), ZoneOutcome.Kind.FAILED, -1, problems), errors);
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
