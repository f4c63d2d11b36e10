package io.hpdns.zone;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not an intact {@link ZoneImage} of the format version this hpdns reads: not an
 * image at all, another version, truncated, corrupt (checksum mismatch) or malformed. The image is
 * only a faster way to the zone: the remedy is always to load the zone from its master file and
 * write the image again.
 */
public final class ZoneImageException extends IOException {

    ZoneImageException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
