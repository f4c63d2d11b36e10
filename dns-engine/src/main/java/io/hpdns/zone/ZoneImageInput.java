package io.hpdns.zone;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads the body of a {@link ZoneImage} from a file channel through one buffer, big-endian, and
 * keeps the CRC32C of every octet read. Every length and count is checked against the octets left
 * in the body before anything is allocated for it, so a damaged image costs at most its own size
 * in memory and ends in a {@link ZoneImageException}, never another exception; each read names
 * what it reads, for that exception's message. Arrays at least half the buffer's size are read
 * straight into place, without a copy.
 */
final class ZoneImageInput {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final FileChannel channel;
    private final Path file;
    private final byte[] buffer;
    private final CRC32C crc = new CRC32C();
    /** File offset where the body ends. */
    private final long end;
    /** File offset of {@code buffer[0]}. */
    private long bufferAt;
    private int pos;
    private int limit;

    /** Reads the body at file offsets {@code [start, end)}. */
    ZoneImageInput(FileChannel channel, Path file, long start, long end, int bufferSize) {
        this.channel = channel;
        this.file = file;
        this.buffer = new byte[bufferSize];
        this.bufferAt = start;
        this.end = end;
    }

    /** File offset of the next octet. */
    long offset() {
        return bufferAt + pos;
    }

    /** Octets left in the body. */
    long remaining() {
        return end - offset();
    }

    int getByte(String what) throws IOException {
        need(1, what);
        return buffer[pos++] & 0xff;
    }

    int getInt(String what) throws IOException {
        need(4, what);
        int v = (int) INT.get(buffer, pos);
        pos += 4;
        return v;
    }

    long getLong(String what) throws IOException {
        need(8, what);
        long v = (long) LONG.get(buffer, pos);
        pos += 8;
        return v;
    }

    /**
     * A count or length of {@code what}, each taking at least {@code unit} octets of what follows:
     * checked to fit in the octets left.
     */
    int getCount(String what, int unit) throws IOException {
        long at = offset();
        int n = getInt(what);
        if (n < 0 || (long) n * unit > remaining()) {
            throw malformed(at, n + " " + what + " cannot fit in the " + remaining() + " octets left");
        }
        return n;
    }

    /** A length-prefixed array of octets: {@code what} they are, for a message. */
    byte[] getBytes(String what) throws IOException {
        long at = offset();
        int length = getInt(what);
        if (length < 0 || length > remaining()) {
            throw malformed(at, "a length of " + length + " for " + what + " exceeds the " + remaining()
                    + " octets left");
        }
        byte[] b = new byte[length];
        int copied = Math.min(b.length, limit - pos);
        System.arraycopy(buffer, pos, b, 0, copied);
        pos += copied;
        int rest = b.length - copied;
        if (rest >= buffer.length / 2) {
            // The buffer is used up: read the rest straight into the array.
            long from = bufferAt + limit;
            read(b, copied, rest, from);
            bufferAt = from + rest;
            pos = 0;
            limit = 0;
        } else if (rest > 0) {
            fill();
            System.arraycopy(buffer, pos, b, copied, rest);
            pos += rest;
        }
        return b;
    }

    /** Reads whatever of the body is left unread, for the checksum; returns the offset where reading had stopped. */
    long skipRest() throws IOException {
        long stopped = offset();
        for (pos = limit; remaining() > 0; pos = limit) {
            fill();
        }
        return stopped;
    }

    /** CRC32C of every octet read. */
    int checksum() {
        return (int) crc.getValue();
    }

    /** The image is not laid out as its format says, at file offset {@code at}. */
    ZoneImageException malformed(long at, String problem) {
        return new ZoneImageException(file, "malformed at offset " + at + ": " + problem);
    }

    private void need(int n, String what) throws IOException {
        if (limit - pos < n) {
            if (remaining() < n) {
                throw malformed(offset(), "the image ends inside " + what);
            }
            fill();
        }
    }

    /**
     * Moves the unread octets to the front and reads more after them, up to the buffer's size or
     * the end of the body: whatever a caller needs, once it made sure that the body has it left.
     */
    private void fill() throws IOException {
        int unread = limit - pos;
        System.arraycopy(buffer, pos, buffer, 0, unread);
        bufferAt += pos;
        pos = 0;
        limit = unread;
        // As much as fits, for few large reads; never past the body, so the checksum covers the body alone.
        int want = (int) Math.min(buffer.length, end - bufferAt);
        read(buffer, limit, want - limit, bufferAt + limit);
        limit = want;
    }

    /** Reads exactly {@code length} octets at file offset {@code at} into {@code b[off..]}. */
    private void read(byte[] b, int off, int length, long at) throws IOException {
        ByteBuffer into = ByteBuffer.wrap(b, off, length);
        while (into.hasRemaining()) {
            if (channel.read(into, at + into.position() - off) < 0) {
                // The header's length was checked against the file's size: it has shrunk since.
                throw new ZoneImageException(file, "truncated at offset " + (at + into.position() - off)
                        + " while it was read");
            }
        }
        crc.update(b, off, length);
    }
}
