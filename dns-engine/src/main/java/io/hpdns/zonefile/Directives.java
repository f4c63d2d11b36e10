package io.hpdns.zonefile;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The control entries of RFC 1035 §5.1, {@code $ORIGIN} and {@code $INCLUDE}, with RFC 2308 §4's
 * {@code $TTL} and BIND's {@code $GENERATE}.
 */
final class Directives {
    private Directives() {}

    /** Reads the directive whose name is the current token, to the end of its entry. */
    static void read(MasterFile file) throws ScanException {
        Fields f = file.fields;
        if (f.isIgnoreCase("$ORIGIN")) {
            f.origin(name(f));
            f.endOfRecord();
        } else if (f.isIgnoreCase("$TTL")) {
            f.word("a TTL");
            long ttl = Numbers.ttl(f.text(), f.start(), f.end(), true);
            if (ttl < 0) {
                throw f.expected("a TTL");
            }
            f.endOfRecord();
            file.defaultTtl = ttl;
        } else if (f.isIgnoreCase("$INCLUDE")) {
            include(file, f);
        } else if (f.isIgnoreCase("$GENERATE")) {
            Generator.read(file);
        } else {
            throw new ScanException("unknown directive " + f.token());
        }
    }

    /**
     * {@code $INCLUDE file [origin]}: a relative file name is relative to the including file's
     * directory, as dnsjava reads it.
     */
    private static void include(MasterFile file, Fields f) throws ScanException {
        f.string("a file name");
        int line = file.lexer.line();
        String included = new String(f.text(), f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
        byte[] origin = f.origin();
        if (f.more()) {
            origin = name(f.text(), f.start(), f.end(), origin);
        }
        f.endOfRecord();
        Path path;
        try {
            path = Path.of(included);
        } catch (InvalidPathException e) {
            throw new ScanException("bad file name " + Printable.of(included) + ": " + Printable.of(e.getReason()));
        }
        if (!path.isAbsolute() && file.path.getParent() != null) {
            path = file.path.getParent().resolve(path);
        }
        file.scanner.include(path, origin, file.defaultTtl, file.name, line);
    }

    /**
     * A new origin: a relative name is relative to the current origin, as BIND and Knot DNS read
     * it (RFC 1035 §5.1 makes every relative name in the file relative to the origin). dnsjava
     * reads it relative to the root instead.
     */
    private static byte[] name(Fields f) throws ScanException {
        f.word("a domain name");
        return name(f.text(), f.start(), f.end(), f.origin());
    }

    private static byte[] name(byte[] text, int from, int to, byte[] origin) throws ScanException {
        byte[] wire = new byte[NameParser.ROOM];
        int length = NameParser.parse(text, from, to, origin, wire, 0);
        return Arrays.copyOf(wire, length);
    }
}
