package io.hpdns.reload;

import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.TextParseException;

/**
 * The state directory, where one master's workers share their zones (docs/architecture.md) and
 * where the zones stay compiled between runs: the worker that reloads first reads the zone files,
 * compiles the answers and writes each new zone here as a {@link ZoneImage}, then the manifest
 * naming the image of every zone it serves; the other workers, and any worker started later, read
 * those images instead of the files. Every worker thus serves exactly what the first one built,
 * even when a file is edited again meanwhile, and a restarted worker serves a million-name zone
 * after reading its image, about a second, instead of parsing and compiling it again.
 *
 * <p>The manifest, {@value #MANIFEST}, has one line per configured zone in configuration order:
 * origin, tab, zone file, tab, image file name, or {@code -} when the image could not be written
 * (the other workers then read that zone's file), or {@code !} followed by a tab and the first
 * error of its load when the zone failed to load with no earlier data (every worker then answers
 * it SERVFAIL). It is replaced with one rename, so a reader sees the old list or the new one. An
 * image is deleted once neither the manifest nor the one before it names it: a worker starting
 * meanwhile may still be reading an image of the previous one.
 *
 * <p>Warm start: a master starting keeps the images its predecessor served, renaming that
 * manifest to {@value #WARM}; the first load then takes a zone from its image instead of its files
 * when the files still have the content the image was built from ({@link ZoneFingerprint}), and
 * the first manifest it publishes ends the warm start. Images are only reused by the build that
 * wrote them ({@value #BUILD} holds its identity): another build may compile other answers.
 */
public final class ZoneImages implements AutoCloseable {

    static final String MANIFEST = "serving";
    static final String WARM = "warm";
    static final String BUILD = "build";
    private static final String LOCK = "lock";
    private static final String SUFFIX = ".zimg";
    private static final String NO_IMAGE = "-";
    private static final String UNSERVED = "!";
    private static final Logger log = LoggerFactory.getLogger(ZoneImages.class);

    private final Path dir;
    /** The master's lock on the directory; null in a worker, which only reads and writes in it. */
    private final FileChannel lock;

    /** A worker's view of its master's state directory. */
    public ZoneImages(Path dir) {
        this(dir, null);
    }

    private ZoneImages(Path dir, FileChannel lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /**
     * The state directory of a master starting: created when missing (mode 0700: the zones may
     * not all be public), locked for as long as this master runs, and made ready for a warm start:
     * the previous run's manifest becomes the warm one, unless {@code build} is not the build that
     * wrote it, and every other file is deleted (images no manifest names, the temporary files of
     * a master killed while writing).
     *
     * @param build this build's identity ({@link BuildIdentity})
     * @throws IOException when the directory cannot be made ready, or another running master holds it
     */
    public static ZoneImages open(Path dir, String build) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (!locked(lock)) {
                throw new IOException("another running hpdns uses it");
            }
            ZoneImages images = new ZoneImages(dir, lock);
            images.prepareWarmStart(build);
            return images;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Takes the lock: another process holding it answers null, another master in this JVM (tests) throws. */
    private static boolean locked(FileChannel lock) throws IOException {
        try {
            return lock.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    private void prepareWarmStart(String build) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        Path warm = dir.resolve(WARM);
        if (!build.equals(readBuild())) {
            Files.deleteIfExists(manifest);
            Files.deleteIfExists(warm);
            Path temporary = dir.resolve(BUILD + ".new");
            Files.writeString(temporary, build + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, dir.resolve(BUILD), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } else if (Files.exists(manifest)) {
            // Without a manifest (a master stopped before its first load published), the warm one stays.
            Files.move(manifest, warm, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        Set<String> keep = new HashSet<>(Set.of(LOCK, BUILD, WARM));
        for (Entry entry : warm().values()) {
            keep.add(entry.image().getFileName().toString());
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!keep.contains(entry.getFileName().toString())) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }

    private String readBuild() throws IOException {
        try {
            return Files.readString(dir.resolve(BUILD), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /** The master stops: the images stay for the next start, and the directory is free for another master. */
    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.close();
        }
    }

    public Path directory() {
        return dir;
    }

    /**
     * One zone of the manifest; {@code image} is null when the zone must be read from {@code file}
     * or is unserved; {@code unserved} is the reason a zone is unserved, else null.
     */
    public record Entry(Name zone, Path file, Path image, String unserved) {}

    /** Writes the image of a zone just built and returns its path; the manifest does not name it yet. */
    Path write(CompiledZone zone, ZoneFingerprint fingerprint) throws IOException {
        Path image = dir.resolve(imageName(zone));
        ZoneImage.write(zone, fingerprint, image);
        return image;
    }

    /**
     * Names the images of {@code served} as the ones to serve, then deletes the images neither this
     * manifest nor the one before it names.
     */
    void publish(Collection<ServedZone> served, Collection<UnservedZone> unserved) throws IOException {
        Set<String> keep = new HashSet<>();
        for (Entry entry : manifest().orElse(List.of())) {
            if (entry.image() != null) {
                keep.add(entry.image().getFileName().toString());
            }
        }
        StringBuilder text = new StringBuilder();
        for (ServedZone zone : served) {
            String image = zone.image() == null ? NO_IMAGE : zone.image().getFileName().toString();
            keep.add(image);
            text.append(zone.config().name()).append('\t').append(zone.config().file().toAbsolutePath())
                    .append('\t').append(image).append('\n');
        }
        for (UnservedZone zone : unserved) {
            // One line per zone: a reason never spans lines or fields.
            String reason = zone.reason().replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
            text.append(zone.config().name()).append('\t').append(zone.config().file().toAbsolutePath())
                    .append('\t').append(UNSERVED).append('\t').append(reason).append('\n');
        }
        Path temporary = dir.resolve(MANIFEST + ".new");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(dir + " does not support atomic renames: " + e.getMessage(), e);
        }
        // The zones now served are the ones a next start may reuse: the warm start is over.
        Files.deleteIfExists(dir.resolve(WARM));
        try (DirectoryStream<Path> images = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path image : images) {
                if (!keep.contains(image.getFileName().toString())) {
                    Files.deleteIfExists(image);
                }
            }
        }
    }

    /** The zones to serve as the manifest lists them; empty when no worker has written one yet. */
    Optional<List<Entry>> manifest() throws IOException {
        return entries(MANIFEST);
    }

    /**
     * The zones with an image that the previous run served, by name, until a starting master's
     * first load publishes; empty after that, and when that manifest cannot be read (the zones are
     * then read from their files).
     */
    Map<Name, Entry> warm() {
        Map<Name, Entry> warm = new HashMap<>();
        try {
            for (Entry entry : entries(WARM).orElse(List.of())) {
                if (entry.image() != null) {
                    warm.put(entry.zone(), entry);
                }
            }
        } catch (IOException e) {
            log.warn("cannot read the previous run's zone manifest ({}); every zone is read from its files",
                    e.getMessage());
        }
        return warm;
    }

    private Optional<List<Entry>> entries(String manifestName) throws IOException {
        Path manifest = dir.resolve(manifestName);
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t", -1);
            int expected = fields.length > 2 && fields[2].equals(UNSERVED) ? 4 : 3;
            if (fields.length != expected) {
                throw new IOException(manifest + ":" + (i + 1) + ": expected " + expected
                        + " tab-separated fields, got " + fields.length);
            }
            Name zone;
            try {
                zone = Name.fromString(fields[0], Name.root);
            } catch (TextParseException e) {
                throw new IOException(manifest + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
            boolean unserved = expected == 4;
            Path image = unserved || fields[2].equals(NO_IMAGE) ? null : dir.resolve(fields[2]);
            entries.add(new Entry(zone, Path.of(fields[1]), image, unserved ? fields[3] : null));
        }
        return Optional.of(entries);
    }

    /**
     * A name no other image has: the origin (as a file name), the serial and a random part, since
     * a zone edited without a new serial is a new image all the same.
     */
    private static String imageName(CompiledZone zone) {
        String origin = zone.origin().toString().toLowerCase(Locale.ROOT);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            name.append(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' ? c : '_');
        }
        if (name.toString().equals(".")) {
            name.setLength(0);
            name.append("root.");
        }
        return name.append(zone.serial()).append('-')
                .append(Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)).append(SUFFIX).toString();
    }
}
