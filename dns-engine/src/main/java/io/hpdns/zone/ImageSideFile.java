package io.hpdns.zone;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import io.hpdns.zonefile.ZoneFileScanner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A file kept beside a zone image ({@link ZoneSource}, {@link ZoneChanges}): the image's name and a
 * suffix, a magic of eight octets, its content and the CRC32C of both. Written to a temporary file
 * and renamed, so that a reader finds it whole or not at all; a damaged one is refused.
 */
final class ImageSideFile {
    private ImageSideFile() {}

    /** The side file of {@code image} with {@code suffix}. */
    static Path of(Path image, String suffix) {
        return image.resolveSibling(image.getFileName() + suffix);
    }

    /** Writes {@code magic} and the {@code parts} to {@code file}, replacing any. */
    static void write(Path file, byte[] magic, byte[]... parts) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(magic);
        for (byte[] part : parts) {
            crc.update(part);
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, CREATE_NEW, WRITE)) {
            long at = append(channel, magic, 0);
            for (byte[] part : parts) {
                at = append(channel, part, at);
            }
            append(channel, ByteBuffer.allocate(4).putInt((int) crc.getValue()).array(), at);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes {@code bytes} at {@code at} as {@link ZoneImage#writeFully} does; returns where they end. */
    private static long append(FileChannel channel, byte[] bytes, long at) throws IOException {
        ZoneImage.writeFully(channel, ByteBuffer.wrap(bytes), at);
        return at + bytes.length;
    }

    /**
     * The content of {@code file} after {@code magic}, its checksum checked, with the 4 octets of
     * the checksum still at its end.
     *
     * @throws IOException when there is no such file, it cannot be read, or it is not whole
     */
    static ByteBuffer read(Path file, byte[] magic) throws IOException {
        byte[] all = ZoneFileScanner.readMasterFile(file);
        if (all.length < magic.length + 4 || !Arrays.equals(all, 0, magic.length, magic, 0, magic.length)) {
            throw new IOException(file + ": not a file of this kind or version");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        ByteBuffer in = ByteBuffer.wrap(all);
        if (in.getInt(all.length - 4) != (int) crc.getValue()) {
            throw new IOException(file + ": checksum mismatch");
        }
        return in.position(magic.length);
    }
}
