package io.hpdns.zone;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.xbill.DNS.Name;

/**
 * A compiled zone in a file: its {@link CompiledZone} layout, which is what the query path reads,
 * behind a checked header and the fingerprint of the files it was built from. One process
 * compiles the zone and writes the image; every process that serves it maps the file read-only
 * and answers from the mapping, so they share one copy in the page cache (docs/architecture.md).
 *
 * <p>Format, version {@value #VERSION}; integers big-endian.
 * <pre>
 * header ({@value #HEADER} octets)
 *   magic            8 octets "HPDNSZIM"
 *   version          u32
 *   length           u64: the whole file
 *   layout at        u64: where the layout starts, a multiple of 8
 *   body checksum    u32: CRC32C of every octet after the header checksum
 *   header checksum  u32: CRC32C of the 32 octets before it
 *   padding          4 octets, zero
 * fingerprint        u32 files; per file: u32 length and the path (UTF-8), u32 length and the SHA-256,
 *                    u32 length and the file's state (0 octets: none, or 40: size, mtime and ctime in
 *                    nanoseconds, device and inode, u64 each; {@link FileState})
 * padding            zeros up to the layout
 * layout             the {@link CompiledZone} layout, to the end of the file
 * </pre>
 *
 * <p>The header's own checksum tells a truncated image from a damaged one. A reader checks the
 * header, then the body's checksum over the whole file, then the fingerprint's lengths and the
 * layout's structure ({@link CompiledZone#check}), before any query reads it: a damaged image is
 * refused, never served.
 */
public final class ZoneImage {
    private static final byte[] MAGIC = "HPDNSZIM".getBytes(StandardCharsets.US_ASCII);
    /** Octets of a file's state in the fingerprint. */
    private static final int STATE = 40;
    static final int VERSION = 3;
    static final int HEADER = 40;
    private static final int LENGTH = 12;
    private static final int LAYOUT_AT = 20;
    private static final int BODY_CHECKSUM = 28;
    private static final int HEADER_CHECKED = 32;
    /** Where the body's checksum starts: the header's padding on, so that no octet goes unchecked. */
    private static final int BODY = HEADER_CHECKED + 4;
    /** Octets per read or write call (see {@link #writeFully}, {@link #update}). */
    private static final int IO_CHUNK = 1 << 20;

    /** A zone and the fingerprint of the files it was built from, as read from an image. */
    public record Loaded(CompiledZone zone, ZoneFingerprint fingerprint) {}

    private ZoneImage() {}

    /**
     * Writes the zone and the fingerprint it was built from to {@code file}, atomically (see
     * {@link Draft}).
     */
    public static void write(CompiledZone zone, ZoneFingerprint fingerprint, Path file) throws IOException {
        MemorySegment layout = zone.layout();
        try (Draft draft = draft(file, fingerprint, layout.byteSize())) {
            MemorySegment.copy(layout, 0, draft.layout(), 0, layout.byteSize());
            draft.publish();
        }
    }

    /**
     * Starts the image of a zone whose layout begins with {@code layoutStart} octets, to be
     * written in place: its file is created beside {@code file} with the fingerprint, and that
     * much of its layout is mapped for writing ({@link Draft#layout}), so the compiler builds the
     * layout in the pages the workers will map, with no copy of its own.
     */
    public static Draft draft(Path file, ZoneFingerprint fingerprint, long layoutStart) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        FileChannel channel = null;
        Arena arena = Arena.ofShared();
        try {
            channel = FileChannel.open(temporary, READ, WRITE);
            byte[] prints = fingerprintBytes(fingerprint);
            long layoutAt = (HEADER + prints.length + 7) & ~7L;
            ByteBuffer body = ByteBuffer.allocate((int) (layoutAt - HEADER)).put(prints);
            writeFully(channel, body.flip(), HEADER);
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, layoutAt + layoutStart, arena);
            return new Draft(file, temporary, channel, arena, mapped, layoutAt);
        } catch (Throwable e) {
            arena.close();
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * An image being written. Its file holds the fingerprint and the mapped start of the layout;
     * {@link #publish} appends the rest, checks the whole layout's structure ({@link LayoutCheck}:
     * a writer's bug never becomes an image, and no reader checks it again), checksums it, writes
     * the header last (until then the file is not an image) and renames it over the image's name,
     * so a reader finds the old image or the new one, whole. Not forced to disk: after a crash a
     * torn image fails its checksum and the zone is compiled again. Closing an unpublished draft
     * deletes its file.
     */
    public static final class Draft implements AutoCloseable {
        private final Path file;
        private final Path temporary;
        private final FileChannel channel;
        private final Arena arena;
        private final MemorySegment mapped;
        private final long layoutAt;
        private boolean published;

        private Draft(Path file, Path temporary, FileChannel channel, Arena arena, MemorySegment mapped,
                      long layoutAt) {
            this.file = file;
            this.temporary = temporary;
            this.channel = channel;
            this.arena = arena;
            this.mapped = mapped;
            this.layoutAt = layoutAt;
        }

        /**
         * This draft's layout as a {@link LayoutPatch.Target}, patched from the layout of
         * {@code image}: octets copied from there in the kernel ({@code copy_file_range}), so that
         * they pass through neither process's memory; the mapping of {@link #layout} sees them.
         */
        public LayoutPatch.Target patchedFrom(FileChannel image) throws IOException {
            long imageLayoutAt = layoutAt(image);
            return (from, to, length) -> {
                channel.position(layoutAt + to);
                for (long done = 0; done < length; ) {
                    done += image.transferTo(imageLayoutAt + from + done, length - done, channel);
                }
            };
        }

        /** The start of the layout, mapped for writing; the file's zeros until written. */
        public MemorySegment layout() {
            return mapped.asSlice(layoutAt);
        }

        /**
         * Appends {@code rest}, one part after another, to the layout and makes the file the image
         * (see the class comment).
         *
         * @throws ZoneImageException when the layout is malformed; nothing is published
         */
        public void publish(ByteBuffer... rest) throws IOException {
            publish(null, rest);
        }

        /**
         * As {@link #publish} for a layout patched from a checked one ({@link LayoutPatch}), whose
         * structure is checked where it was written anew: {@code written}, the nodes written anew.
         */
        public void publishPatched(long[] written, ByteBuffer... rest) throws IOException {
            publish(written, rest);
        }

        private void publish(long[] written, ByteBuffer... rest) throws IOException {
            long length = mapped.byteSize();
            for (ByteBuffer part : rest) {
                int size = part.remaining();
                writeFully(channel, part, length);
                length += size;
            }
            MemorySegment whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, length, arena);
            try {
                if (written == null) {
                    CompiledZone.check(whole.asSlice(layoutAt));
                } else {
                    CompiledZone.checkPatched(whole.asSlice(layoutAt), written);
                }
            } catch (RuntimeException e) {
                throw new ZoneImageException(file, "malformed layout: " + e.getMessage());
            }
            CRC32C crc = new CRC32C();
            crc.update(new byte[HEADER - BODY]);
            update(crc, channel, HEADER, length);
            ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putInt(VERSION).putLong(length)
                    .putLong(layoutAt);
            header.putInt((int) crc.getValue());
            header.putInt(crc32c(header.array(), HEADER_CHECKED));
            writeFully(channel, header.flip(), 0);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            published = true;
        }

        @Override
        public void close() throws IOException {
            arena.close();
            channel.close();
            if (!published) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * Whether the image's layout has its answers deferred ({@link CompiledZone#answersDeferred}),
     * read from its headers alone, unchecked: a hint for what to compile next; the image is
     * checked when it is mapped.
     *
     * @throws IOException when the file cannot be read, or ends inside a header
     */
    public static boolean answersDeferred(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, READ)) {
            ByteBuffer flags = ByteBuffer.allocate(4);
            long at = layoutAt(channel) + CompiledZone.FLAGS;
            while (flags.hasRemaining()) {
                if (channel.read(flags, at + flags.position()) < 0) {
                    throw new IOException(file + ": ends inside the layout's header");
                }
            }
            return (flags.getInt(0) & CompiledZone.ANSWERS_DEFERRED) != 0;
        }
    }

    /** Where the layout of an image, checked already, starts in its file. */
    private static long layoutAt(FileChannel image) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (header.hasRemaining() && image.read(header, header.position()) > 0) {
            // Read on: a header is short, one read gets it.
        }
        return header.getLong(LAYOUT_AT);
    }

    private static byte[] fingerprintBytes(ZoneFingerprint fingerprint) {
        List<Path> files = fingerprint.files();
        List<byte[]> parts = new ArrayList<>();
        int length = 4;
        for (int i = 0; i < files.size(); i++) {
            byte[] path = files.get(i).toString().getBytes(StandardCharsets.UTF_8);
            byte[] digest = fingerprint.digests().get(i);
            byte[] state = stateBytes(fingerprint.states().get(i));
            parts.add(path);
            parts.add(digest);
            parts.add(state);
            length += 12 + path.length + digest.length + state.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length).putInt(files.size());
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    /**
     * Reads an image by mapping it: the zone answers from the mapping, which stays until no
     * reference to the zone is left (the collector unmaps it then).
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     * @throws ZoneImageException when the file is not an intact image of this format version: not
     *     an image, another version, truncated, corrupt (a checksum does not match) or malformed;
     *     the message names the file and says which
     * @throws IOException when the file cannot be read
     */
    public static Loaded read(Path file) throws IOException {
        MemorySegment image = mapChecked(file, Arena.ofAuto());
        long layoutAt = image.get(CompiledZone.U64, LAYOUT_AT);
        ZoneFingerprint fingerprint = readFingerprint(file, image, layoutAt);
        MemorySegment layout = image.asSlice(layoutAt);
        try {
            CompiledZone.check(layout);
            return new Loaded(new CompiledZone(layout), fingerprint);
        } catch (RuntimeException e) {
            // Under a matching checksum only a writer's bug gets here; whatever it did, nothing is served.
            throw new ZoneImageException(file, "malformed layout: " + e.getMessage());
        }
    }

    /**
     * The zone in {@code file}, which must be {@code origin}'s, to be served from it: mapped and its
     * checksums checked, its layout trusted without the structural check {@link #read} makes: an
     * image of this build, whose writer checked it ({@link Draft#publish}; for a million names
     * that check takes most of a second).
     */
    public static CompiledZone map(Path file, Name origin) throws IOException {
        return zoneOf(file, mapChecked(file, Arena.ofAuto()), origin);
    }

    /** The zone an image holds, which must be {@code origin}'s. */
    private static CompiledZone zoneOf(Path file, MemorySegment image, Name origin) throws ZoneImageException {
        CompiledZone zone = new CompiledZone(image.asSlice(image.get(CompiledZone.U64, LAYOUT_AT)));
        if (!zone.origin().equals(origin)) {
            throw new ZoneImageException(file, "it holds zone " + zone.origin() + ", not " + origin);
        }
        return zone;
    }

    /**
     * Reads only the fingerprint of an image: what a warm start compares with the zone's files
     * before it maps the whole image. The body's checksum is checked by {@link #read}.
     *
     * @throws ZoneImageException when the file is not an image of this format version, or its
     *     fingerprint is malformed
     */
    public static ZoneFingerprint readFingerprint(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            MemorySegment image = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            checkHeader(file, image);
            return readFingerprint(file, image, image.get(CompiledZone.U64, LAYOUT_AT));
        }
    }

    /**
     * Checks the image's header and checksums, and that it holds {@code origin}'s zone, without
     * keeping it mapped: what a warm start asks of an image kept from the previous run, whose
     * writer, of this build, checked its structure.
     *
     * @throws ZoneImageException when it is damaged or holds another zone
     */
    public static void verify(Path file, Name origin) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            zoneOf(file, mapChecked(file, arena), origin);
        }
    }

    /** Maps the file and checks its header and its body's checksum. */
    private static MemorySegment mapChecked(Path file, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, READ)) {
            MemorySegment image = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            checkHeader(file, image);
            CRC32C crc = new CRC32C();
            update(crc, channel, BODY, image.byteSize());
            if ((int) crc.getValue() != image.get(CompiledZone.U32, BODY_CHECKSUM)) {
                throw new ZoneImageException(file, "checksum mismatch: the image is damaged");
            }
            return image;
        }
    }

    private static void checkHeader(Path file, MemorySegment image) throws ZoneImageException {
        long size = image.byteSize();
        if (size == 0) {
            throw new ZoneImageException(file, "not a zone image: the file is empty");
        }
        int magic = (int) Math.min(size, MAGIC.length);
        if (!Arrays.equals(image.asSlice(0, magic).toArray(JAVA_BYTE), Arrays.copyOf(MAGIC, magic))) {
            throw new ZoneImageException(file, "not a zone image: it does not start with \"HPDNSZIM\"");
        }
        if (size < HEADER) {
            throw new ZoneImageException(file, "truncated at offset " + size + ", inside the " + HEADER
                    + "-octet header");
        }
        int version = image.get(CompiledZone.U32, 8);
        if (version != VERSION) {
            throw new ZoneImageException(file, "version " + Integer.toUnsignedString(version)
                    + " not supported: this hpdns reads zone images of version " + VERSION);
        }
        if (image.get(CompiledZone.U32, HEADER_CHECKED) != crc32c(image.asSlice(0, HEADER_CHECKED).toArray(JAVA_BYTE),
                HEADER_CHECKED)) {
            throw new ZoneImageException(file, "checksum mismatch in the header");
        }
        long length = image.get(CompiledZone.U64, LENGTH);
        long layoutAt = image.get(CompiledZone.U64, LAYOUT_AT);
        if (size < length) {
            throw new ZoneImageException(file, "truncated at offset " + size + ": the image is " + length + " octets");
        }
        if (size > length) {
            throw new ZoneImageException(file, (size - length) + " octets after the end of the image at offset "
                    + length);
        }
        if (layoutAt < HEADER + 4 || layoutAt % 8 != 0 || layoutAt + CompiledZone.HEADER > length) {
            throw new ZoneImageException(file, "malformed header: a layout at offset " + layoutAt + " of " + length);
        }
    }

    private static byte[] stateBytes(FileState state) {
        if (state.equals(FileState.UNSETTLED)) {
            return new byte[0];
        }
        return ByteBuffer.allocate(STATE).putLong(state.size()).putLong(state.modified()).putLong(state.changed())
                .putLong(state.device()).putLong(state.inode()).array();
    }

    private static FileState state(byte[] octets, Path file) throws ZoneImageException {
        if (octets.length == 0) {
            return FileState.UNSETTLED;
        }
        if (octets.length != STATE) {
            throw new ZoneImageException(file, "malformed fingerprint: a file state of " + octets.length + " octets");
        }
        ByteBuffer in = ByteBuffer.wrap(octets);
        return new FileState(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
    }

    private static ZoneFingerprint readFingerprint(Path file, MemorySegment image, long layoutAt)
            throws ZoneImageException {
        try {
            ByteBuffer in = image.asSlice(HEADER, layoutAt - HEADER).asByteBuffer();
            int count = in.getInt();
            if (count < 1 || count > in.remaining() / 12) {
                throw new ZoneImageException(file, "malformed fingerprint: " + Integer.toUnsignedString(count)
                        + " files");
            }
            List<Path> files = new ArrayList<>(count);
            List<byte[]> digests = new ArrayList<>(count);
            List<FileState> states = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                files.add(Path.of(new String(bytes(in, file), StandardCharsets.UTF_8)));
                digests.add(bytes(in, file));
                states.add(state(bytes(in, file), file));
            }
            return new ZoneFingerprint(files, digests, states);
        } catch (InvalidPathException e) {
            throw new ZoneImageException(file, "malformed fingerprint: not a path: " + e.getReason());
        }
    }

    private static byte[] bytes(ByteBuffer in, Path file) throws ZoneImageException {
        int length = in.remaining() < 4 ? -1 : in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new ZoneImageException(file, "malformed fingerprint: a length past its end");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /**
     * Adds the file's octets {@code [from, to)} to the checksum, read a megabyte at a time into
     * native memory of its own. Read rather than mapped: pages a process maps are faulted in one
     * at a time, which for a file read once, or written by copying in the kernel
     * ({@link Draft#patchedFrom}), costs more than the read.
     */
    private static void update(CRC32C crc, FileChannel channel, long from, long to) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            ByteBuffer buffer = arena.allocate(IO_CHUNK).asByteBuffer();
            for (long at = from; at < to; ) {
                buffer.clear().limit((int) Math.min(IO_CHUNK, to - at));
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new IOException("the file ends at " + at + ", before " + to);
                }
                crc.update(buffer.flip());
                at += n;
            }
        }
    }

    /**
     * Writes a heap buffer at most {@link #IO_CHUNK} octets per call: the channel copies each
     * call's octets through a temporary native buffer of that size, which its thread keeps for
     * the next write, so the compiler would otherwise hold a native copy of a zone's whole
     * answers (some 50 MB for a million names) for as long as it runs.
     */
    static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        int end = buffer.limit();
        while (buffer.position() < end) {
            buffer.limit(Math.min(end, buffer.position() + IO_CHUNK));
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        }
        buffer.limit(end);
    }

    private static int crc32c(byte[] b, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, length);
        return (int) crc.getValue();
    }
}
