package io.hpdns.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Damaging a zone image the way a disk or an operator would: the file replaced by another of the
 * same name. Never in place: a worker that serves the zone maps the file, and a file changed under
 * a mapping changes, or on truncation faults, what the worker reads.
 */
public final class ImageFiles {

    private ImageFiles() {}

    /** Replaces {@code file} with one of {@code content}, atomically (a new file renamed over it). */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temporary = Files.write(file.resolveSibling(file.getFileName() + ".replacing"), content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
