package io.hpdns.zonefile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.xbill.DNS.Name;

/**
 * Reads a zone's master file (RFC 1035 §5) and the files it includes into records in wire form,
 * reporting every fault with its file and line and going on with the next record, so that one
 * pass reports all of a file's faults.
 *
 * <p>Files are read whole into memory and scanned as bytes; one buffer holds the rdata of the
 * record being read and is reused, so a record costs next to no garbage. {@code $INCLUDE} is
 * bounded: a file that includes itself, directly or through others, is a fault at the
 * {@code $INCLUDE} that closes the loop, and so is nesting deeper than {@link #MAX_INCLUDE_DEPTH}
 * files, as NSD and Knot bound it.
 */
public final class ZoneFileScanner {
    /** Files open at once: the master file and up to nine nested {@code $INCLUDE}s. */
    public static final int MAX_INCLUDE_DEPTH = 10;
    /** Octets per read call (see {@link #readFile}). */
    private static final int READ_CHUNK = 1 << 20;
    /** The largest array the JVM makes: a master file is read whole, so none is larger. */
    private static final int MAX_FILE = Integer.MAX_VALUE - 8;

    /** Receives the records and faults, in file order. */
    public interface Sink {
        /** One record; the record and its arrays are reused once this returns. */
        void record(ScannedRecord record);

        /** A fault at a line of a file (line 0: the file as a whole). */
        void problem(String file, int line, String message);
    }

    private final Sink sink;
    private final RdataBuffer rdata = new RdataBuffer();
    private final ScannedRecord record = new ScannedRecord();
    /** The files being read, outermost first, as given and as real paths (for loops). */
    private final List<Path> chain = new ArrayList<>();
    private final List<Path> realChain = new ArrayList<>();
    /** While reading a range of a file again ({@link #scanRange}): an {@code $INCLUDE} is noted, not read. */
    private boolean rangeOnly;
    private boolean includeMet;

    private ZoneFileScanner(Sink sink) {
        this.sink = sink;
    }

    /**
     * Reads the master file with the given origin; never throws for the file's content or absence.
     * Returns false, with the problem reported, if the master file itself cannot be read.
     */
    public static boolean scan(Path file, Name origin, Sink sink) {
        if (!origin.isAbsolute()) {
            throw new IllegalArgumentException("the origin must be absolute: " + origin);
        }
        ZoneFileScanner scanner = new ZoneFileScanner(sink);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            String why = Files.exists(file) ? "not a readable file" : "no such file";
            sink.problem(file.toString(), 0, "cannot read zone file: " + why);
            return false;
        }
        return scanner.read(file, origin.toWire(), -1, file.toString(), 0);
    }

    /**
     * Reads the master file {@code file}, whose octets are {@code text}, as {@link #scan} does, and
     * hands over the state at the first entry start at or after every {@code every} octets of it
     * (the first at its start), for {@link #scanRange} to read it again from there: those of the
     * master file only, not of the files it includes.
     */
    public static void scan(Path file, byte[] text, Name origin, Sink sink, int every,
                            Consumer<ScanState> checkpoints) {
        ZoneFileScanner scanner = new ZoneFileScanner(sink);
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            sink.problem(file.toString(), 0, "cannot read zone file: " + why(e));
            return;
        }
        scanner.chain.add(file);
        scanner.realChain.add(real);
        new MasterFile(scanner, file, text, origin.toWire(), -1).read(Integer.MAX_VALUE, every, checkpoints);
    }

    /**
     * What {@link #scanRange} read up to: the state where it stopped, and whether the range holds
     * an {@code $INCLUDE} (which it does not read).
     */
    public record RangeEnd(ScanState state, boolean includeMet) {}

    /**
     * Reads {@code text}, the octets of the master file {@code file}, from {@code from} (a state of
     * the same file up to there, {@link #scan}) up to the first entry that starts at or after
     * {@code stopAt}, or to its end, handing the records and faults to {@code sink} and the state at
     * the first entry start at or after every {@code every} octets, from {@code from} on, to
     * {@code checkpoints}.
     */
    public static RangeEnd scanRange(Path file, byte[] text, ScanState from, int stopAt, Sink sink, int every,
                                     Consumer<ScanState> checkpoints) {
        ZoneFileScanner scanner = new ZoneFileScanner(sink);
        scanner.rangeOnly = true;
        scanner.chain.add(file);
        MasterFile master = new MasterFile(scanner, file, text, from.origin(), from.defaultTtl());
        master.resume(from);
        ScanState end = master.read(stopAt, every, checkpoints);
        return new RangeEnd(end, scanner.includeMet);
    }

    /**
     * The octets of a master file, read at most {@link #READ_CHUNK} at a time (see
     * {@link #readFile}).
     */
    public static byte[] readMasterFile(Path file) throws IOException {
        return readFile(file);
    }

    RdataBuffer rdataBuffer() {
        return rdata;
    }

    /** {@code $INCLUDE} of {@code path}, at {@code line} of {@code from}. */
    void include(Path path, byte[] origin, long defaultTtl, String from, int line) {
        if (rangeOnly) {
            includeMet = true;
            return;
        }
        if (chain.size() >= MAX_INCLUDE_DEPTH) {
            problem(from, line, "$INCLUDE " + Printable.of(path.toString()) + " nests files more than "
                    + MAX_INCLUDE_DEPTH + " deep: " + describe(chain, path));
            return;
        }
        read(path, origin, defaultTtl, from, line);
    }

    /** Reads a file; false, with the problem reported at {@code from:line}, if it cannot be read. */
    private boolean read(Path path, byte[] origin, long defaultTtl, String from, int line) {
        byte[] text;
        Path real;
        try {
            real = path.toRealPath();
            int loop = realChain.indexOf(real);
            if (loop >= 0) {
                problem(from, line, "$INCLUDE " + Printable.of(path.toString()) + " makes a loop: "
                        + describe(chain.subList(loop, chain.size()), path));
                return false;
            }
            text = readFile(path);
        } catch (NoSuchFileException e) {
            problem(from, line, "cannot read included file " + Printable.of(path.toString()) + ": no such file");
            return false;
        } catch (IOException e) {
            problem(from, line, "cannot read " + Printable.of(path.toString()) + ": " + why(e));
            return false;
        }
        chain.add(path);
        realChain.add(real);
        try {
            new MasterFile(this, path, text, origin, defaultTtl).read();
        } finally {
            chain.removeLast();
            realChain.removeLast();
        }
        return true;
    }

    /**
     * The file's octets, read at most {@link #READ_CHUNK} at a time: a channel reads into a heap
     * array through a temporary native buffer of the read's size, which its thread keeps for the
     * next read, so reading a large zone file at once (as {@code Files.readAllBytes} does) would
     * leave a native copy of it behind, in the memory of a compiler that outlives the compile.
     *
     * <p>The array is the file's size, and only a file that grew while it was read is copied into
     * a larger one: every octet of a fresh array is memory the process touches for the first time,
     * which costs more than the read itself for a large zone.
     */
    private static byte[] readFile(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_FILE) {
                throw new IOException("larger than " + MAX_FILE + " octets");
            }
            byte[] text = new byte[(int) size];
            int length = 0;
            while (true) {
                if (length == text.length) {
                    ByteBuffer more = ByteBuffer.allocate(1);
                    if (channel.read(more) < 0) {
                        return text;
                    }
                    // The file grew since its size was read: the rest is read too.
                    if (text.length == MAX_FILE) {
                        throw new IOException("larger than " + MAX_FILE + " octets");
                    }
                    text = Arrays.copyOf(text, (int) Math.min(MAX_FILE, Math.max(READ_CHUNK, 2L * text.length)));
                    text[length++] = more.get(0);
                    continue;
                }
                int n = channel.read(ByteBuffer.wrap(text, length, Math.min(READ_CHUNK, text.length - length)));
                if (n < 0) {
                    return Arrays.copyOf(text, length);
                }
                length += n;
            }
        }
    }

    /**
     * Why a file could not be read, printable: the file system's reason without the path, which
     * the message names already and which may hold any octet.
     */
    private static String why(IOException e) {
        return Printable.of(e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString());
    }

    private static String describe(List<Path> files, Path next) {
        StringBuilder sb = new StringBuilder();
        for (Path p : files) {
            sb.append(Printable.of(p.toString())).append(" -> ");
        }
        return sb.append(Printable.of(next.toString())).toString();
    }

    /** Hands over the record whose rdata is in the buffer. */
    void emit(byte[] owner, int type, int dclass, long ttl, String file, int line) {
        ScannedRecord r = record;
        r.owner = owner;
        r.type = type;
        r.dclass = dclass;
        r.ttl = ttl;
        r.data = rdata.array();
        r.rdataEnd = rdata.rdataEnd();
        r.canonicalEnd = rdata.canonicalEnd();
        r.file = file;
        r.line = line;
        sink.record(r);
    }

    void problem(String file, int line, String message) {
        sink.problem(file, line, message);
    }
}
