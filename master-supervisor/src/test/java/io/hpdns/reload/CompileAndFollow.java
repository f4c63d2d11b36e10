package io.hpdns.reload;

import io.hpdns.xfr.ZoneJournals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.xbill.DNS.Name;

/**
 * What the master and one worker do for a load, in this JVM: the compiler compiles into the state
 * directory and publishes the manifest ({@link ZoneCompiler}), then the worker follows it
 * ({@link ZoneReloader}). Each method returns the compiler's report, as {@code hpdns ctl reload}
 * shows it, and fails when the worker could not follow.
 */
public final class CompileAndFollow {

    private final ZoneListSource source;
    private final ZoneImages images;
    private final ZoneCompiler compiler;
    private final ZoneReloader worker;

    public CompileAndFollow(Path stateDir, ZoneListSource source) {
        this(stateDir, source, NewSerialListener.NONE, new ZoneJournals(ZoneJournals.DEFAULT_DEPTH));
    }

    public CompileAndFollow(Path stateDir, ZoneListSource source, NewSerialListener newSerial,
                            ZoneJournals journals) {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.source = source;
        this.images = new ZoneImages(stateDir);
        this.compiler = new ZoneCompiler(images, 2);
        this.worker = new ZoneReloader(source, Clock.systemUTC(), newSerial, journals, images);
    }

    /** The worker's side: what it serves. */
    public ZoneReloader worker() {
        return worker;
    }

    public ZoneImages images() {
        return images;
    }

    /** A master's first compile, then a worker's first follow. */
    public ReloadReport loadInitial() {
        ReloadReport compiled = compiler.compileInitial(source);
        followed(worker.followInitial());
        return compiled;
    }

    /** {@code hpdns ctl reload}. */
    public ReloadReport reloadAll() {
        ReloadReport compiled = compiler.compileAll(source);
        followed(worker.follow());
        return compiled;
    }

    /** {@code hpdns ctl reload ZONE}. */
    public ReloadReport reload(Name zone) {
        ReloadReport compiled = compiler.compileOne(zone);
        followed(worker.follow());
        return compiled;
    }

    /** What a master has compiled after a start that deferred answers. */
    public ReloadReport compileDeferredAnswers() {
        ReloadReport compiled = compiler.compileDeferredAnswers();
        followed(worker.follow());
        return compiled;
    }

    private static void followed(ReloadReport followed) {
        if (!followed.ok()) {
            throw new IllegalStateException("the worker could not follow the manifest: " + followed.errors());
        }
    }
}
