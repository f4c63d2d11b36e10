package io.hpdns.zone;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.hpdns.wire.DnsConstants;
import java.io.IOException;
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
 * A compiled {@link Zone} in a file, read back in a fraction of the time that parsing its master
 * file and compiling its answers take (DESIGN §3): one process loads the zone and writes the image,
 * the others, and a restarted one, read it. The zone read back is the zone written, node for node
 * and octet for octet, answers included.
 *
 * <p>Format, version 1. Integers are big-endian; {@code int} and {@code long} are 4 and 8 octets;
 * "bytes" is an {@code int} length followed by that many octets.
 * <pre>
 * header (24 octets)
 *   magic            8 octets "HPDNSZIM"
 *   version          int, 1
 *   length           long: the whole image, header and checksum included
 *   header checksum  int: CRC32C of the 20 octets before it
 * body
 *   fingerprint      int files; per file: bytes path (UTF-8), bytes SHA-256
 *   origin           bytes: the origin as given to the loader, wire format
 *   answers          octet 0: none ({@link PrecompiledAnswers#NONE}), or 1 followed by
 *                      bytes the answers' layout ({@link PrecompiledAnswers#bytes()}),
 *                      octet 0: no negative answer, or 1 followed by
 *                        bytes records; int n, n times int pointer; int n, n times bytes guard;
 *                        int origin length; int origin labels ({@link NegativeAnswer})
 *   nodes            int node count; int index of the apex among them;
 *                    per node, in the order of {@link Zone#nodes()}:
 *                      octet flags: 1 zone cut, 2 owner in its own letter case;
 *                      bytes key (lowercased owner); bytes owner, only with flag 2;
 *                      int answersAt; int RRsets; per RRset, in order:
 *                        int type; long TTL; int records; bytes data ({@link RRset#data()})
 * checksum           int: CRC32C of the body
 * </pre>
 *
 * <p>The header's own checksum tells a truncated image (its length is more than the file's)
 * from a damaged one. The reader checks every length and count against the octets left before
 * allocating anything, every name and RRset for its structure and every index for its range, as
 * it streams the body, and returns nothing before the body's checksum matched. It does not check
 * the zone rules again nor the inner layout of the compiled answers: the loader checked them
 * before the image was written, and the checksum stands for them since.
 */
public final class ZoneImage {
    private static final byte[] MAGIC = "HPDNSZIM".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 24;
    private static final int HEADER_CHECKED = 20;
    private static final int CHECKSUM = 4;
    /** Large enough that writes are few. */
    private static final int WRITE_BUFFER = 1 << 20;
    /**
     * Smaller than the write buffer, measured: a million names read in 0.89 s rather than 0.97 s
     * (first read in a new JVM on one CPU). Refilled every thousand names or so, the buffer stays in
     * the CPU's cache and its refill is in the JIT compiler's profile before the compiled code is
     * made, rather than a branch never taken that costs a recompilation when first taken.
     */
    private static final int READ_BUFFER = 1 << 16;

    private static final int ZONE_CUT = 1;
    private static final int OWN_CASE = 2;
    /** Fewest octets a node takes: flags, a key of the root name alone, answersAt, RRset count. */
    private static final int MIN_NODE = 1 + 4 + 1 + 4 + 4;
    /** Fewest octets an RRset takes: type, TTL, records, an empty data length. */
    private static final int MIN_RRSET = 4 + 8 + 4 + 4;
    /** RFC 1035 §3.1: a name is at most 255 octets, a label at most 63. */
    private static final int MAX_NAME = 255;
    private static final int MAX_LABEL = 63;
    /** An SOA's rdata, two root names and five 32-bit fields at least (RFC 1035 §3.3.13). */
    private static final int MIN_SOA_RDATA = 2 + 20;

    /** A zone and the fingerprint of the files it was built from, as read from an image. */
    public record Loaded(Zone zone, ZoneFingerprint fingerprint) {}

    private ZoneImage() {}

    /**
     * Writes the zone, compiled or not, and the fingerprint it was built from to {@code file},
     * atomically: to a temporary file in the same directory, then renamed over {@code file}, so a
     * reader finds the old image or the new one, whole. Not forced to disk: after a crash a torn
     * image fails its checksum and the zone is loaded from its master file.
     */
    public static void write(Zone zone, ZoneFingerprint fingerprint, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, WRITE)) {
                write(zone, fingerprint, channel);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Reads an image back.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     * @throws ZoneImageException when the file is not an intact image of this format version: not
     *     an image, another version, truncated, corrupt (a checksum does not match) or malformed;
     *     the message names the file and says which
     * @throws IOException when the file cannot be read
     */
    public static Loaded read(Path file) throws IOException {
        // The heap grows by a whole zone, as while a zone loads: let it (LoadingHeadroom).
        try (FileChannel channel = FileChannel.open(file, READ); LoadingHeadroom _ = LoadingHeadroom.open()) {
            long length = readHeader(channel, file);
            int buffer = (int) Math.min(READ_BUFFER, length);
            ZoneImageInput in = new ZoneImageInput(channel, file, HEADER, length - CHECKSUM, buffer);
            Loaded loaded;
            try {
                loaded = readBody(in);
            } catch (ZoneImageException malformed) {
                // Damage explains a malformed body better than a bug does: say so when the checksum fails.
                in.skipRest();
                checkBody(channel, file, in);
                throw malformed;
            }
            long stopped = in.skipRest();
            checkBody(channel, file, in);
            if (stopped != length - CHECKSUM) {
                throw in.malformed(stopped, (length - CHECKSUM - stopped) + " octets after the last node");
            }
            return loaded;
        }
    }

    private static void write(Zone zone, ZoneFingerprint fingerprint, FileChannel channel) throws IOException {
        ZoneImageOutput out = new ZoneImageOutput(channel, HEADER, WRITE_BUFFER);
        List<Path> files = fingerprint.files();
        out.putInt(files.size());
        for (int i = 0; i < files.size(); i++) {
            out.putBytes(files.get(i).toString().getBytes(StandardCharsets.UTF_8));
            out.putBytes(fingerprint.digests().get(i));
        }
        out.putBytes(zone.origin().toWire());
        writeAnswers(zone.answers(), out);
        writeNodes(zone, out);
        long end = out.finish();
        ZoneImageOutput.writeFully(channel, ByteBuffer.allocate(CHECKSUM).putInt(out.checksum()).flip(), end);
        ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putInt(VERSION).putLong(end + CHECKSUM);
        header.putInt(crc32c(header.array(), HEADER_CHECKED));
        // Last: until the header is there, the file is not an image.
        ZoneImageOutput.writeFully(channel, header.flip(), 0);
    }

    private static void writeAnswers(PrecompiledAnswers answers, ZoneImageOutput out) throws IOException {
        if (answers == PrecompiledAnswers.NONE) {
            out.putByte(0);
            return;
        }
        out.putByte(1);
        out.putBytes(answers.bytes());
        NegativeAnswer negative = answers.negative();
        if (negative == null) {
            out.putByte(0);
            return;
        }
        out.putByte(1);
        out.putBytes(negative.records());
        out.putInt(negative.pointerCount());
        for (int i = 0; i < negative.pointerCount(); i++) {
            out.putInt(negative.pointer(i));
        }
        out.putInt(negative.guards().length);
        for (byte[] guard : negative.guards()) {
            out.putBytes(guard);
        }
        out.putInt(negative.originLength());
        out.putInt(negative.originLabels());
    }

    private static void writeNodes(Zone zone, ZoneImageOutput out) throws IOException {
        List<Node> nodes = zone.nodes();
        int apex = 0;
        while (nodes.get(apex) != zone.apex()) {
            apex++;
        }
        out.putInt(nodes.size());
        out.putInt(apex);
        for (Node node : nodes) {
            boolean ownCase = node.owner() != node.key();
            out.putByte((node.isZoneCut() ? ZONE_CUT : 0) | (ownCase ? OWN_CASE : 0));
            out.putBytes(node.key());
            if (ownCase) {
                out.putBytes(node.owner());
            }
            out.putInt(node.answersAt());
            out.putInt(node.rrsets().length);
            for (RRset rrset : node.rrsets()) {
                out.putInt(rrset.type());
                out.putLong(rrset.ttl());
                out.putInt(rrset.size());
                out.putBytes(rrset.data());
            }
        }
    }

    /** Checks the header; returns the image's length, which is the file's. */
    private static long readHeader(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        int read = readAt(channel, header, 0);
        byte[] h = header.array();
        if (read == 0) {
            throw new ZoneImageException(file, "not a zone image: the file is empty");
        }
        if (!Arrays.equals(h, 0, Math.min(read, MAGIC.length), MAGIC, 0, Math.min(read, MAGIC.length))) {
            throw new ZoneImageException(file, "not a zone image: it does not start with \"HPDNSZIM\"");
        }
        if (read < HEADER) {
            throw new ZoneImageException(file, "truncated at offset " + read + ", inside the " + HEADER
                    + "-octet header");
        }
        int version = header.getInt(MAGIC.length);
        if (version != VERSION) {
            throw new ZoneImageException(file, "version " + Integer.toUnsignedString(version)
                    + " not supported: this hpdns reads zone images of version " + VERSION);
        }
        if (header.getInt(HEADER_CHECKED) != crc32c(h, HEADER_CHECKED)) {
            throw new ZoneImageException(file, "checksum mismatch in the header");
        }
        long length = header.getLong(MAGIC.length + 4);
        if (length < HEADER + CHECKSUM) {
            throw new ZoneImageException(file, "malformed at offset " + (MAGIC.length + 4) + ": an image of "
                    + length + " octets cannot hold a zone");
        }
        if (size < length) {
            throw new ZoneImageException(file, "truncated at offset " + size + ": the image is " + length + " octets");
        }
        if (size > length) {
            throw new ZoneImageException(file, (size - length) + " octets after the end of the image at offset "
                    + length);
        }
        return length;
    }

    /** Compares the body's checksum, once the body is read, with the one stored after it. */
    private static void checkBody(FileChannel channel, Path file, ZoneImageInput in) throws IOException {
        ByteBuffer stored = ByteBuffer.allocate(CHECKSUM);
        long at = in.offset();
        int read = readAt(channel, stored, at);
        if (read < CHECKSUM) {
            // The header's length was checked against the file's size: it has shrunk since.
            throw new ZoneImageException(file, "truncated at offset " + (at + read) + " while it was read");
        }
        if (stored.getInt(0) != in.checksum()) {
            throw new ZoneImageException(file, "checksum mismatch: the image is damaged");
        }
    }

    /**
     * Reads only the fingerprint at the start of an image: what a warm start compares with the
     * zone's files before reading the whole image. The body's checksum is not checked here;
     * {@link #read} checks it.
     *
     * @throws ZoneImageException when the file is not an image of this format version, or its
     *     fingerprint is malformed
     */
    public static ZoneFingerprint readFingerprint(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, READ)) {
            long length = readHeader(channel, file);
            int buffer = (int) Math.min(READ_BUFFER, length);
            return readFingerprint(new ZoneImageInput(channel, file, HEADER, length - CHECKSUM, buffer));
        }
    }

    private static Loaded readBody(ZoneImageInput in) throws IOException {
        ZoneFingerprint fingerprint = readFingerprint(in);
        long originAt = in.offset();
        byte[] originWire = readName(in, "the origin");
        Name origin;
        try {
            origin = new Name(originWire);
        } catch (IOException e) {
            throw in.malformed(originAt, "the origin: " + e.getMessage());
        }
        PrecompiledAnswers answers = readAnswers(in, originWire.length, origin.labels() - 1);
        return new Loaded(readNodes(in, origin, answers), fingerprint);
    }

    private static ZoneFingerprint readFingerprint(ZoneImageInput in) throws IOException {
        int fileCount = in.getCount("fingerprint files", 8);
        List<Path> files = new ArrayList<>(fileCount);
        List<byte[]> digests = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            long at = in.offset();
            String path = new String(in.getBytes("a path"), StandardCharsets.UTF_8);
            try {
                files.add(Path.of(path));
            } catch (InvalidPathException e) {
                throw in.malformed(at, "not a path: " + e.getReason());
            }
            digests.add(in.getBytes("a digest"));
        }
        return new ZoneFingerprint(files, digests);
    }

    private static PrecompiledAnswers readAnswers(ZoneImageInput in, int originLength, int originLabels)
            throws IOException {
        if (!readFlag(in, "whether the answers are compiled")) {
            return PrecompiledAnswers.NONE;
        }
        byte[] bytes = in.getBytes("the compiled answers");
        if (!readFlag(in, "whether a negative answer is compiled")) {
            return new PrecompiledAnswers(bytes, null);
        }
        byte[] records = in.getBytes("the negative answer");
        int[] pointers = new int[in.getCount("compression pointers", 4)];
        for (int i = 0; i < pointers.length; i++) {
            long at = in.offset();
            pointers[i] = in.getInt("a compression pointer");
            // NegativeAnswer.sameAs reads both octets of a pointer.
            if (pointers[i] < 0 || pointers[i] + 1 >= records.length) {
                throw in.malformed(at, "compression pointer at " + pointers[i] + " outside " + records.length
                        + " octets of records");
            }
        }
        byte[][] guards = new byte[in.getCount("guard labels", 4)][];
        for (int i = 0; i < guards.length; i++) {
            long at = in.offset();
            guards[i] = in.getBytes("a guard label");
            if (guards[i].length == 0 || (guards[i][0] & 0xff) != guards[i].length - 1) {
                throw in.malformed(at, "a guard that is not one label");
            }
        }
        long at = in.offset();
        if (in.getInt("the origin's length") != originLength || in.getInt("the origin's labels") != originLabels) {
            throw in.malformed(at, "the negative answer was compiled for another origin");
        }
        return new PrecompiledAnswers(bytes, new NegativeAnswer(records, pointers, guards, originLength, originLabels));
    }

    private static Zone readNodes(ZoneImageInput in, Name origin, PrecompiledAnswers answers) throws IOException {
        int count = in.getCount("nodes", MIN_NODE);
        long apexAt = in.offset();
        int apexIndex = in.getInt("the apex's index");
        if (apexIndex < 0 || apexIndex >= count) {
            throw in.malformed(apexAt, "apex index " + apexIndex + " of " + count + " nodes");
        }
        int answersLength = answers.bytes().length;
        byte[][] keys = new byte[count][];
        Object[] nodes = new Object[count];
        int recordCount = 0;
        for (int i = 0; i < count; i++) {
            Node node = readNode(in, answersLength);
            for (RRset rrset : node.rrsets()) {
                recordCount += rrset.size();
            }
            keys[i] = node.key();
            nodes[i] = node;
        }
        Node apex = (Node) nodes[apexIndex];
        RRset soa = apex.rrset(DnsConstants.TYPE_SOA);
        // What the Zone reads of its SOA: the serial and the minimum at the end of the first rdata.
        if (soa == null || RRset.rdataLength(soa.data(), 0) < MIN_SOA_RDATA) {
            throw in.malformed(apexAt, "the apex has no SOA record");
        }
        return new Zone(origin, new NameTable<>(keys, nodes, count), apex, recordCount, answers);
    }

    /** One node and its RRsets. */
    private static Node readNode(ZoneImageInput in, int answersLength) throws IOException {
        long at = in.offset();
        int flags = in.getByte("a node's flags");
        if ((flags & ~(ZONE_CUT | OWN_CASE)) != 0) {
            throw in.malformed(at, "unknown node flags " + flags);
        }
        byte[] key = readName(in, "a node's name");
        byte[] owner = (flags & OWN_CASE) != 0 ? readName(in, "a node's name") : key;
        at = in.offset();
        int answersAt = in.getInt("where a node's answers start");
        if (answersAt != PrecompiledAnswers.NOT_COMPILED && (answersAt < 0 || answersAt >= answersLength)) {
            throw in.malformed(at, "a node's answers at " + answersAt + " outside " + answersLength + " octets");
        }
        int rrsetCount = in.getCount("RRsets", MIN_RRSET);
        RRset[] rrsets = rrsetCount == 0 ? null : new RRset[rrsetCount];
        for (int r = 0; r < rrsetCount; r++) {
            rrsets[r] = readRRset(in);
        }
        return new Node(owner, key, rrsets, (flags & ZONE_CUT) != 0, answersAt);
    }

    private static RRset readRRset(ZoneImageInput in) throws IOException {
        long at = in.offset();
        int type = in.getInt("an RRset's type");
        long ttl = in.getLong("an RRset's TTL");
        int size = in.getInt("an RRset's size");
        byte[] data = in.getBytes("an RRset's data");
        if (type < 0 || type > 0xFFFF) {
            throw in.malformed(at, "RRset type " + type);
        }
        // Each record is a 16-bit length and that many octets, and they fill the data exactly.
        int p = 0;
        int records = 0;
        while (p + 2 <= data.length) {
            p += 2 + RRset.rdataLength(data, p);
            records++;
        }
        if (records == 0 || records != size || p != data.length) {
            throw in.malformed(at, "an RRset's data does not hold its " + size + " records");
        }
        return new RRset(type, ttl, size, data);
    }

    /** An uncompressed wire name, checked to be one (RFC 1035 §3.1). */
    private static byte[] readName(ZoneImageInput in, String what) throws IOException {
        long at = in.offset();
        byte[] name = in.getBytes(what);
        int p = 0;
        int len = -1;
        while (p < name.length && (len = name[p] & 0xff) != 0 && len <= MAX_LABEL) {
            p += len + 1;
        }
        if (name.length > MAX_NAME || len != 0 || p != name.length - 1) {
            throw in.malformed(at, what + " is not a domain name in wire format");
        }
        return name;
    }

    private static boolean readFlag(ZoneImageInput in, String what) throws IOException {
        long at = in.offset();
        int flag = in.getByte(what);
        if (flag > 1) {
            throw in.malformed(at, "octet " + flag + " for " + what + ", not 0 or 1");
        }
        return flag == 1;
    }

    /** Reads at file offset {@code at} until the buffer is full or the file ends; returns the octets read. */
    private static int readAt(FileChannel channel, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining() && channel.read(b, at + b.position()) >= 0) {
            // Again: a read may return fewer octets than asked.
        }
        return b.position();
    }

    private static int crc32c(byte[] b, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, length);
        return (int) crc.getValue();
    }
}
