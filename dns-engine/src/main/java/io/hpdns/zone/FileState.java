package io.hpdns.zone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the file system says of a file without reading it (stat(2)): its size, the times of its
 * last write (mtime) and of its last change of any kind (ctime), and which file it is (device and
 * inode). A zone whose files all have the state they had when it was compiled is kept without
 * reading or digesting them (a restart, a reload of unchanged zones), as Knot DNS keeps a zone
 * whose file's time has not changed.
 *
 * <p>Only a <em>settled</em> state is taken: one whose file was last written or changed at least
 * {@link #SETTLED} before it was taken. Time stamps have a granularity (a clock tick on Linux, two
 * seconds on FAT), so a write just after a state was taken could leave the state as it was; a
 * write after a settled state was taken cannot, since it stamps the file later than it was stamped.
 * A file written just before its zone was compiled is digested again the next time (as Git treats
 * "racily clean" files). A write that keeps the size and sets the old mtime back still changes the
 * ctime, which no program can set.
 */
public record FileState(long size, long modified, long changed, long device, long inode) {

    /** No state to trust: the file is digested. */
    public static final FileState UNSETTLED = new FileState(-1, 0, 0, 0, 0);

    /** How long before a state is taken its file must have been written for the state to count. */
    static final Duration SETTLED = Duration.ofSeconds(2);

    /** The file's state now, when settled; {@link #UNSETTLED} when it is not, or cannot be read. */
    public static FileState settled(Path file) {
        return settled(file, Instant.now());
    }

    /** As {@link #settled(Path)}, with {@code now} the time it is taken at. */
    static FileState settled(Path file, Instant now) {
        FileState state = of(file);
        long settledBefore = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano() - SETTLED.toNanos();
        return state.modified < settledBefore && state.changed < settledBefore ? state : UNSETTLED;
    }

    /** The file's state now; {@link #UNSETTLED} when it cannot be read (gone, or no Unix file system). */
    static FileState of(Path file) {
        try {
            Map<String, Object> stat = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
            return new FileState((Long) stat.get("size"), nanos(stat.get("lastModifiedTime")),
                    nanos(stat.get("ctime")), (Long) stat.get("dev"), (Long) stat.get("ino"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return UNSETTLED;
        }
    }

    /** Whether this state was taken settled and the file still has it. */
    boolean unchanged(Path file) {
        return !equals(UNSETTLED) && equals(of(file));
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
