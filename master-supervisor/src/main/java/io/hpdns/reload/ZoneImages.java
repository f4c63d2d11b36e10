package io.hpdns.reload;

import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The directory where one master's workers share their zones (DESIGN.md §3): the worker that
 * reloads first reads the zone files, compiles the answers and writes each new zone here as a
 * {@link ZoneImage}, then the manifest naming the image of every zone it serves; the other workers,
 * and any worker started later, read those images instead of the files. Every worker thus serves
 * exactly what the first one built, even when a file is edited again meanwhile, and a restarted
 * worker serves a million-name zone after reading its image, about a second, instead of parsing
 * and compiling it again.
 *
 * <p>The manifest, {@value #MANIFEST}, has one line per configured zone in configuration order:
 * origin, tab, zone file, tab, image file name, or {@code -} when the image could not be written
 * (the other workers then read that zone's file), or {@code !} followed by a tab and the first
 * error of its load when the zone failed to load with no earlier data (every worker then answers
 * it SERVFAIL). It is replaced with one rename, so a reader sees
 * the old list or the new one. An image is deleted once neither the manifest nor the one before it
 * names it: a worker starting meanwhile may still be reading an image of the previous one.
 */
public final class ZoneImages {

    static final String MANIFEST = "serving";
    private static final String SUFFIX = ".zimg";
    private static final String NO_IMAGE = "-";
    private static final String UNSERVED = "!";

    private final Path dir;

    public ZoneImages(Path dir) {
        this.dir = dir;
    }

    /**
     * The images directory of a master starting: created when missing, mode 0700, and emptied of
     * what a master killed before it could clean up left behind, so the first worker reads the
     * zone files rather than a stale manifest.
     */
    public static ZoneImages prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            deleteContents(dir);
        } else {
            Files.createDirectories(dir);
        }
        // The zones may not all be public (a zone served to one view only, say).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return new ZoneImages(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Removes the directory and everything in it: the master is stopping. */
    public void delete() throws IOException {
        if (Files.isDirectory(dir)) {
            deleteContents(dir);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * One zone of the manifest; {@code image} is null when the zone must be read from {@code file}
     * or is unserved; {@code unserved} is the reason a zone is unserved, else null.
     */
    public record Entry(Name zone, Path file, Path image, String unserved) {}

    /** Writes the image of a zone just built and returns its path; the manifest does not name it yet. */
    Path write(Zone zone, ZoneFingerprint fingerprint) throws IOException {
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
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t", -1);
            int expected = fields.length > 2 && fields[2].equals(UNSERVED) ? 4 : 3;
            if (fields.length != expected) {
                throw new IOException(dir.resolve(MANIFEST) + ":" + (i + 1) + ": expected " + expected
                        + " tab-separated fields, got " + fields.length);
            }
            Name zone;
            try {
                zone = Name.fromString(fields[0], Name.root);
            } catch (TextParseException e) {
                throw new IOException(dir.resolve(MANIFEST) + ":" + (i + 1) + ": " + e.getMessage(), e);
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
    private static String imageName(Zone zone) {
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

    private static void deleteContents(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
        }
    }
}
