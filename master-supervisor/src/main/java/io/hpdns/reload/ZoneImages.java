package io.hpdns.reload;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.zone.ZoneChanges;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZoneSource;
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
 * The state directory, where the zones are kept compiled (docs/architecture.md): the compiler
 * ({@link ZoneCompiler}, in a process that answers no query) writes each new zone here as a
 * {@link ZoneImage}, then the manifest naming the image of every zone; the workers map the images
 * the manifest names. Every worker thus serves exactly what the compiler built, even when a file
 * is edited again meanwhile, from one copy of each zone in the page cache.
 *
 * <p>The manifest, {@value #MANIFEST}, has one line per configured zone in configuration order,
 * five tab-separated fields: origin, zone file, image file name, serial, and the first error of
 * the zone's latest load when that load failed (its image is then the one built before, still
 * served) or nothing. A zone that failed to load with no earlier image has {@code !} for image and
 * {@code -} for serial, and the error: every worker answers it SERVFAIL. The manifest is replaced
 * with one rename, so a reader sees the old list or the new one. An image is deleted once neither
 * the manifest nor the one before it names it: a worker starting meanwhile may still be mapping
 * an image of the previous one.
 *
 * <p>Warm start: a master starting keeps the images its predecessor served, renaming that
 * manifest to {@value #WARM}; the first compile then takes a zone from its image instead of its
 * files when the files still have the content the image was built from ({@link ZoneFingerprint}),
 * and the first manifest it publishes ends the warm start. Images are only reused by the build
 * that wrote them ({@value #BUILD} holds its identity): another build may compile other answers.
 */
public final class ZoneImages implements AutoCloseable {

    static final String MANIFEST = "serving";
    static final String WARM = "warm";
    static final String BUILD = "build";
    private static final String LOCK = "lock";
    private static final String SUFFIX = ".zimg";
    private static final String UNSERVED = "!";
    private static final String NO_SERIAL = "-";
    private static final int FIELDS = 5;
    private static final Logger log = LoggerFactory.getLogger(ZoneImages.class);

    private final Path dir;
    /** The master's lock on the directory; null in the compiler and the workers, which work in it for the master. */
    private final FileChannel lock;

    /** The compiler's or a worker's view of its master's state directory. */
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
            keep.add(ZoneSource.fileOf(entry.image()).getFileName().toString());
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
     * One zone of the manifest.
     *
     * @param image the image to serve it from; null when the zone has never loaded (unserved)
     * @param serial the serial of {@code image}; -1 without one
     * @param error the first error of the zone's latest load, {@code file:line: message}, when it
     *     failed (then {@code image}, if any, is the one built before); null when it loaded
     */
    public record Entry(Name zone, Path file, Path image, long serial, String error) {

        /** A zone served from a new image. */
        static Entry served(Name zone, Path file, Path image, long serial) {
            return new Entry(zone, file.toAbsolutePath(), image, serial, null);
        }

        /** This zone after a load that failed: it keeps its image and the file it was built from. */
        Entry failed(String error) {
            return new Entry(zone, file, image, serial, error);
        }

        /** A zone that has no image: its load failed and none was built before. */
        static Entry unserved(Name zone, Path file, String error) {
            return new Entry(zone, file.toAbsolutePath(), null, -1, error);
        }

        public boolean isServed() {
            return image != null;
        }

        /** Whether the zone is served from an image built from {@code config}'s file. */
        public boolean builtFrom(ZoneConfig config) {
            return isServed() && file.equals(config.file().toAbsolutePath());
        }

        /**
         * Whether the zone is served from an image whose answers are deferred
         * ({@link ZoneImage#answersDeferred}), to be compiled next.
         */
        boolean answersDeferred() throws IOException {
            return isServed() && ZoneImage.answersDeferred(image);
        }
    }

    /** Where to write a new image of the zone; the manifest names it once it is published. */
    Path newImage(Name origin, long serial) {
        return dir.resolve(imageName(origin, serial));
    }

    /**
     * Names {@code entries} as the zones to serve, then deletes the images neither this manifest
     * nor the one before it names.
     */
    void publish(List<Entry> entries) throws IOException {
        Set<String> keep = new HashSet<>();
        for (Entry entry : manifest().orElse(List.of())) {
            if (entry.isServed()) {
                keep.add(entry.image().getFileName().toString());
            }
        }
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            String image = entry.isServed() ? entry.image().getFileName().toString() : UNSERVED;
            keep.add(image);
            // One line per zone: an error never spans lines or fields.
            String error = entry.error() == null ? ""
                    : entry.error().replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
            text.append(entry.zone()).append('\t').append(entry.file().toAbsolutePath()).append('\t').append(image)
                    .append('\t').append(entry.isServed() ? Long.toString(entry.serial()) : NO_SERIAL)
                    .append('\t').append(error).append('\n');
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
                    Files.deleteIfExists(ZoneSource.fileOf(image));
                    Files.deleteIfExists(ZoneChanges.fileOf(image));
                }
            }
        }
    }

    /**
     * When there is no manifest (the compiler published none: it crashed before the end of its
     * first compile), publishes one naming every zone of {@code zones} unserved for
     * {@code reason}, so that the workers start and answer them SERVFAIL.
     *
     * @return whether it published one
     */
    public boolean publishUnservedUnlessPublished(List<ZoneConfig> zones, String reason) throws IOException {
        if (manifest().isPresent()) {
            return false;
        }
        List<Entry> entries = new ArrayList<>(zones.size());
        for (ZoneConfig zone : zones) {
            entries.add(Entry.unserved(zone.name(), zone.file(), reason));
        }
        publish(entries);
        return true;
    }

    /**
     * Whether the manifest names an image whose answers are deferred
     * ({@link ZoneImage#answersDeferred}): a start then has the compiler compile them.
     */
    public boolean anyAnswersDeferred() throws IOException {
        for (Entry entry : manifest().orElse(List.of())) {
            if (entry.answersDeferred()) {
                return true;
            }
        }
        return false;
    }

    /** The zones to serve as the manifest lists them; empty when the compiler has not written one yet. */
    Optional<List<Entry>> manifest() throws IOException {
        return entries(MANIFEST);
    }

    /**
     * Whether every one of {@code zones} has an image the previous run served, built from the file
     * it is configured with: else the first compile of this start reads zone files.
     */
    public boolean warmImageOfEach(List<ZoneConfig> zones) {
        Map<Name, Entry> warm = warm();
        for (ZoneConfig zone : zones) {
            Entry entry = warm.get(zone.name());
            if (entry == null || !entry.builtFrom(zone)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The zones with an image that the previous run served, by name, until a starting master's
     * first compile publishes; empty after that, and when that manifest cannot be read (the zones are
     * then read from their files).
     */
    Map<Name, Entry> warm() {
        Map<Name, Entry> warm = new HashMap<>();
        try {
            for (Entry entry : entries(WARM).orElse(List.of())) {
                if (entry.isServed()) {
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
            String where = manifest + ":" + (i + 1) + ": ";
            String[] fields = lines.get(i).split("\t", -1);
            if (fields.length != FIELDS) {
                throw new IOException(where + "expected " + FIELDS + " tab-separated fields, got " + fields.length);
            }
            Name zone;
            try {
                zone = Name.fromString(fields[0], Name.root);
            } catch (TextParseException e) {
                throw new IOException(where + e.getMessage(), e);
            }
            Path file = Path.of(fields[1]);
            String error = fields[4].isEmpty() ? null : fields[4];
            if (fields[2].equals(UNSERVED)) {
                if (error == null) {
                    throw new IOException(where + "an unserved zone without its error");
                }
                entries.add(Entry.unserved(zone, file, error));
                continue;
            }
            long serial;
            try {
                serial = Long.parseLong(fields[3]);
            } catch (NumberFormatException e) {
                throw new IOException(where + "not a serial: " + fields[3], e);
            }
            if (serial < 0 || serial > 0xffffffffL || fields[2].contains("/")) {
                throw new IOException(where + "malformed entry for " + zone);
            }
            entries.add(new Entry(zone, file, dir.resolve(fields[2]), serial, error));
        }
        return Optional.of(entries);
    }

    /**
     * A name no other image has: the origin (as a file name), the serial and a random part, since
     * a zone edited without a new serial is a new image all the same.
     */
    private static String imageName(Name zone, long serial) {
        String origin = zone.toString().toLowerCase(Locale.ROOT);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            name.append(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' ? c : '_');
        }
        if (name.toString().equals(".")) {
            name.setLength(0);
            name.append("root.");
        }
        return name.append(serial).append('-')
                .append(Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)).append(SUFFIX).toString();
    }
}
