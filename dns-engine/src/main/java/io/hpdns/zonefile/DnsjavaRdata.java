package io.hpdns.zonefile;

import io.hpdns.wire.WireNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/**
 * The rdata of the types this package has no parser for, read by dnsjava: so that every type
 * dnsjava knows still loads. The record's tokens are handed to dnsjava's parser as text, and its
 * wire forms copied out. These types are rare in zones, so the objects this makes do not matter.
 */
final class DnsjavaRdata {
    /** dnsjava's fault messages start with a position in the text it was given, which means nothing here. */
    private static final Pattern POSITION = Pattern.compile("^<none>:\\d+: ");
    /** Per type: 0 not yet asked, 1 dnsjava has a class for it, 2 it has none (it reads only RFC 3597 rdata). */
    private static final byte[] KNOWN = new byte[0x10000];

    /** The rdata's tokens as text for dnsjava's tokenizer, reused. */
    private byte[] textBuf = new byte[256];

    /** Whether dnsjava has a record class of its own for the type. */
    static boolean knows(int type) {
        if (KNOWN[type] == 0) {
            // dnsjava makes an UNKRecord for a type without a class; a class of its own may refuse empty rdata (null).
            Record empty = Record.newRecord(Name.root, type, DClass.IN, 0, new byte[0]);
            KNOWN[type] = (byte) (empty instanceof UNKRecord ? 2 : 1);
        }
        return KNOWN[type] == 1;
    }

    /** Reads the rest of the record's tokens, the rdata, with dnsjava into the buffer, finished. */
    void parse(Fields f, byte[] owner, int type, int dclass, long ttl) throws ScanException {
        int n = 0;
        while (f.more()) {
            int length = f.end() - f.start() + 3;
            if (n + length > textBuf.length) {
                textBuf = Arrays.copyOf(textBuf, Math.max(n + length, textBuf.length * 2));
            }
            boolean quoted = f.lexer.kind() == Lexer.QUOTED;
            if (quoted) {
                textBuf[n++] = '"';
            }
            System.arraycopy(f.text(), f.start(), textBuf, n, f.end() - f.start());
            n += f.end() - f.start();
            if (quoted) {
                textBuf[n++] = '"';
            }
            textBuf[n++] = ' ';
        }
        f.endOfRecord();
        Record rec;
        try {
            Tokenizer st = new Tokenizer(new ByteArrayInputStream(textBuf, 0, n));
            rec = Record.fromString(new Name(owner), type, dclass, ttl, st, new Name(f.origin()));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ScanException(Printable.of(POSITION.matcher(message).replaceFirst("")));
        }
        byte[] wire;
        byte[] canonical;
        try {
            wire = rec.toWire(Section.ANSWER);
            canonical = rec.rdataToWireCanonical();
        } catch (RuntimeException e) {
            throw new ScanException(Type.string(type) + " record at " + WireNames.toString(owner, 0)
                    + " cannot be written in DNS wire format: " + e.getMessage());
        }
        // The record as written: owner, type, class, TTL, RDLENGTH (RFC 1035 §4.1.3), then the rdata.
        int rdataAt = WireNames.length(owner, 0) + 10;
        f.out.bytes(wire, rdataAt, wire.length - rdataAt);
        f.out.finish(canonical);
    }
}
