package io.hpdns.zone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.xbill.DNS.Name;

/**
 * Reads a master file with dnsjava and validates it into a {@link Zone}, the way
 * {@code kzonecheck} and {@code named-checkzone} do: errors make the zone unusable, warnings are
 * reported and the data normalised.
 *
 * <p>A file of more than a few thousand records is parsed on a thread of its own while the
 * calling thread builds the zone from the records parsed so far ({@link RecordHandoff}); the
 * result is the same as reading it on one thread, problems included. On two cores the building
 * then costs next to no time. On one it still pays: for every record that leaves out its TTL,
 * dnsjava's parser first tries the type as a TTL and throws and catches a
 * {@code NumberFormatException} ({@code Master.parseTTLClassAndType}, up to dnsjava 3.7 at
 * least), whose stack trace costs in proportion to the depth of the stack, and the parser's own
 * thread has a short one. The server loads zones some 15 frames deep; at that depth a million
 * records took 0.4 to 1.3 s longer on one CPU, and 40 frames deep 1.5 to 2 s.
 */
public final class ZoneLoader {
    /**
     * Files from this size on are parsed on a thread of their own: some 2,500 records, whose
     * parsing on a deep stack costs more than starting a thread.
     */
    static final long PARALLEL_MIN_BYTES = 64 << 10;
    /**
     * Master file octets per owner name, to size the name table up front: a name with one short
     * record takes about this much (the table grows past the estimate if it must).
     */
    private static final int BYTES_PER_NAME = 32;

    private ZoneLoader() {}

    /** Never throws for bad zone content or an unreadable file: those come back as problems. */
    public static ZoneLoadResult load(Name origin, Path file) {
        long size = sizeOf(file);
        return load(origin, file, size, size >= PARALLEL_MIN_BYTES);
    }

    /** Loads on one thread, or with the file parsed on another ({@code parallel}); for tests that compare the two. */
    static ZoneLoadResult load(Name origin, Path file, boolean parallel) {
        return load(origin, file, sizeOf(file), parallel);
    }

    private static ZoneLoadResult load(Name origin, Path file, long size, boolean parallel) {
        if (!origin.isAbsolute()) {
            throw new IllegalArgumentException("zone origin must be absolute: " + origin);
        }
        List<ZoneProblem> problems = new ArrayList<>();
        int expectedNames = (int) Math.min(1 << 28, Math.max(0, size / BYTES_PER_NAME));
        ZoneBuilder builder = new ZoneBuilder(origin, file.toString(), problems, expectedNames);
        Zone zone;
        try (LoadingHeadroom _ = LoadingHeadroom.open()) {
            boolean read = parallel ? readAlongside(origin, file, problems, builder)
                    : MasterFileReader.read(origin, file, problems, builder);
            // A syntax error stops the parser; the records before it are checked no further.
            zone = read ? builder.build() : null;
        }
        // Report in the order an operator reads the file: whole-zone findings, then by line.
        problems.sort(Comparator.comparing(ZoneProblem::file).thenComparingInt(ZoneProblem::line));
        return new ZoneLoadResult(hasError(problems) ? null : zone, problems, builder.filesRead(file));
    }

    /**
     * Parses the file on a new thread while this one builds; returns what {@link MasterFileReader#read}
     * returns. The parser's problems follow the builder's, as they do on one thread, where a parse
     * error ends the reading.
     */
    private static boolean readAlongside(Name origin, Path file, List<ZoneProblem> problems, ZoneBuilder builder) {
        RecordHandoff handoff = new RecordHandoff();
        List<ZoneProblem> parseProblems = new ArrayList<>();
        FutureTask<Boolean> parse = new FutureTask<>(() -> {
            try {
                return MasterFileReader.read(origin, file, parseProblems, handoff);
            } finally {
                handoff.finish();
            }
        });
        // A platform thread: seconds of parsing would hold a carrier of the virtual threads serving TCP.
        Thread.ofPlatform().name("zone-parser " + origin).daemon().start(parse);
        try {
            handoff.drainTo(builder);
            boolean read = parse.get();
            problems.addAll(parseProblems);
            return read;
        } catch (RuntimeException e) {
            // On one thread MasterFileReader reports this too, rather than letting it escape.
            waitFor(parse);
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, file.toString(), 0, String.valueOf(e)));
            return false;
        } catch (InterruptedException e) {
            handoff.abandon();
            Thread.currentThread().interrupt();
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, file.toString(), 0, "loading interrupted"));
            return false;
        } catch (ExecutionException e) {
            // MasterFileReader reports every exception of reading as a problem: this is an Error.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits for the parsing thread, which the handoff has told to stop, to end. */
    private static void waitFor(FutureTask<Boolean> parse) {
        try {
            parse.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Stopped: what it found no longer matters.
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            // MasterFileReader says what is wrong with the file.
            return 0;
        }
    }

    private static boolean hasError(List<ZoneProblem> problems) {
        for (ZoneProblem p : problems) {
            if (p.isError()) {
                return true;
            }
        }
        return false;
    }
}
