package io.hpdns.zonefile;

import io.hpdns.wire.WireNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/** Runs a master file through the scanner, or through dnsjava's {@link Master}, into comparable records. */
final class Scans {
    private static final HexFormat HEX = HexFormat.of();
    /** dnsjava's fault messages start with "file:line: ". */
    private static final Pattern POSITION = Pattern.compile("^[^:]+:(\\d+): ");

    private Scans() {}

    /**
     * One record: the owner lowercased (dnsjava gives records of one owner the case of the first),
     * type, class, TTL, rdata and canonical rdata in hex.
     */
    record Rr(String owner, int type, int dclass, long ttl, String rdata, String canonical) {}

    /** One problem, as the scanner reports it. */
    record Problem(String file, int line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    /** What the scanner made of a file. */
    record Result(List<Rr> records, List<Problem> problems, boolean read) {}

    static Result scan(Path file, String origin) {
        List<Rr> records = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        boolean read = ZoneFileScanner.scan(file, name(origin), new ZoneFileScanner.Sink() {
            @Override
            public void record(ScannedRecord r) {
                byte[] data = r.data();
                int ownerLength = WireNames.length(r.owner(), 0);
                byte[] owner = new byte[ownerLength];
                WireNames.copyLower(r.owner(), 0, owner, 0);
                records.add(new Rr(HEX.formatHex(owner), r.type(), r.dclass(), r.ttl(),
                        HEX.formatHex(data, 2, r.rdataEnd()), HEX.formatHex(data, r.rdataEnd() + 2, r.canonicalEnd())));
            }

            @Override
            public void problem(String f, int line, String message) {
                problems.add(new Problem(f, line, message));
            }
        });
        return new Result(records, problems, read);
    }

    /** The records dnsjava reads from the file; throws what dnsjava throws. */
    static List<Rr> dnsjava(Path file, String origin) throws IOException {
        List<Rr> records = new ArrayList<>();
        try (Master master = new Master(file.toString(), name(origin))) {
            Record rec;
            while ((rec = master.nextRecord()) != null) {
                records.add(rr(rec));
            }
        }
        return records;
    }

    /** What dnsjava read of a file: its records up to its first error, and that error's line (0: none, -1: unknown). */
    record DnsjavaResult(List<Rr> records, int errorLine, String error) {}

    static DnsjavaResult dnsjavaUntilError(Path file, String origin) {
        List<Rr> records = new ArrayList<>();
        try (Master master = new Master(file.toString(), name(origin))) {
            Record rec;
            while ((rec = master.nextRecord()) != null) {
                records.add(rr(rec));
            }
            return new DnsjavaResult(records, 0, null);
        } catch (IOException | RuntimeException e) {
            Matcher m = POSITION.matcher(String.valueOf(e.getMessage()));
            return new DnsjavaResult(records, m.find() ? Integer.parseInt(m.group(1)) : -1, e.getMessage());
        }
    }

    static Rr rr(Record rec) {
        byte[] owner = rec.getName().canonicalize().toWire();
        byte[] wire = rec.toWire(Section.ANSWER);
        byte[] rdata = Arrays.copyOfRange(wire, rec.getName().toWire().length + 10, wire.length);
        return new Rr(HEX.formatHex(owner), rec.getType(), rec.getDClass(), rec.getTTL(), HEX.formatHex(rdata),
                HEX.formatHex(rec.rdataToWireCanonical()));
    }

    static Path write(Path dir, String fileName, String text) {
        try {
            return Files.writeString(dir.resolve(fileName), text, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
