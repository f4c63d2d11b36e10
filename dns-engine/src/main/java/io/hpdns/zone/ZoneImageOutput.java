package io.hpdns.zone;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Writes the body of a {@link ZoneImage} through one large buffer to a file channel, big-endian,
 * and keeps the CRC32C of every octet written. Arrays at least half the buffer's size go to the
 * channel straight from where they are, without a copy.
 */
final class ZoneImageOutput {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final FileChannel channel;
    private final byte[] buffer;
    private final CRC32C crc = new CRC32C();
    /** File offset of {@code buffer[0]}. */
    private long position;
    private int size;

    /** Writes from file offset {@code start} on. */
    ZoneImageOutput(FileChannel channel, long start, int bufferSize) {
        this.channel = channel;
        this.buffer = new byte[bufferSize];
        this.position = start;
    }

    void putByte(int b) throws IOException {
        room(1);
        buffer[size++] = (byte) b;
    }

    void putInt(int v) throws IOException {
        room(4);
        INT.set(buffer, size, v);
        size += 4;
    }

    void putLong(long v) throws IOException {
        room(8);
        LONG.set(buffer, size, v);
        size += 8;
    }

    /** The array's length, then its octets. */
    void putBytes(byte[] b) throws IOException {
        putInt(b.length);
        if (b.length >= buffer.length / 2) {
            flush();
            write(b, b.length);
        } else {
            room(b.length);
            System.arraycopy(b, 0, buffer, size, b.length);
            size += b.length;
        }
    }

    /** Writes what is buffered; returns the file offset after the last octet written. */
    long finish() throws IOException {
        flush();
        return position;
    }

    /** CRC32C of every octet written. */
    int checksum() {
        return (int) crc.getValue();
    }

    private void room(int n) throws IOException {
        if (size + n > buffer.length) {
            flush();
        }
    }

    private void flush() throws IOException {
        write(buffer, size);
        size = 0;
    }

    private void write(byte[] b, int length) throws IOException {
        crc.update(b, 0, length);
        writeFully(channel, ByteBuffer.wrap(b, 0, length), position);
        position += length;
    }

    /** Writes every remaining octet of {@code b} at file offset {@code at}. */
    static void writeFully(FileChannel channel, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
    }
}
