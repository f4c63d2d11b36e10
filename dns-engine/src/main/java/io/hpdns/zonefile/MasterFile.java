package io.hpdns.zonefile;

import io.hpdns.wire.WireNames;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * Reads the entries of one master file (RFC 1035 §5.1), a record or a directive per entry, and
 * hands each record over. A fault is reported at its line and the entry skipped, so that one pass
 * reports every fault of the file.
 *
 * <p>The defaults follow dnsjava, which hpdns loaded zones with before: a record without a TTL
 * takes the {@code $TTL}, else the previous record's TTL, else (an SOA only) the SOA MINIMUM,
 * which then becomes the default (BIND's rule before RFC 2308 §4 gave {@code $TTL}). A file read
 * by {@code $INCLUDE} starts with the including file's origin and default TTL but no previous
 * record, and what it changes does not reach back.
 */
final class MasterFile {
    private static final int NO_OWNER = 0;
    private static final int OWNER = 1;
    /** The last owner written could not be read: records that inherit it are read but not handed over. */
    private static final int BAD_OWNER = 2;

    final Path path;
    final String name;
    final ZoneFileScanner scanner;
    final Lexer lexer;
    final Fields fields;
    private final RdataParser rdata;
    /** The {@code $TTL}, or -1. */
    long defaultTtl;
    private final byte[] owner = new byte[NameParser.ROOM];
    private int ownerState = NO_OWNER;
    /** The TTL of the previous record, or -1. */
    private long lastTtl = -1;

    /** The class, TTL and type of the entry being read, set by {@link #ttlClassAndType}. */
    int dclass;
    long ttl;
    int type;

    MasterFile(ZoneFileScanner scanner, Path path, byte[] text, byte[] origin, long defaultTtl) {
        this.scanner = scanner;
        this.path = path;
        this.name = path.toString();
        this.lexer = new Lexer(text, 0, text.length);
        this.fields = new Fields(lexer, scanner.rdataBuffer());
        this.rdata = new RdataParser(fields);
        fields.origin(origin);
        this.defaultTtl = defaultTtl;
    }

    void read() {
        read(Integer.MAX_VALUE, Integer.MAX_VALUE, null);
    }

    /**
     * Reads the file from where its lexer stands up to the first entry that starts at or after
     * {@code stopAt} (or to its end), handing the state at the first entry start at or after
     * every {@code every} octets to {@code checkpoints} (null: none); returns the state where it
     * stopped (at the end: an offset of the file's length).
     */
    ScanState read(int stopAt, int every, Consumer<ScanState> checkpoints) {
        long next = lexer.position();
        while (true) {
            int at = lexer.position();
            if (at >= stopAt) {
                return state();
            }
            if (checkpoints != null && at >= next) {
                checkpoints.accept(state());
                next = (long) at + every;
            }
            try {
                if (!entry()) {
                    return state();
                }
            } catch (ScanException e) {
                scanner.problem(name, lexer.line(), e.getMessage());
                lexer.skipRecord();
            }
        }
    }

    /** Where reading stands, at the start of an entry. */
    ScanState state() {
        byte[] origin = fields.origin();
        byte[] known = ownerState == OWNER ? Arrays.copyOf(owner, WireNames.length(owner, 0)) : null;
        return new ScanState(lexer.position(), lexer.nextLine(), origin, defaultTtl, lastTtl, known,
                ownerState != NO_OWNER);
    }

    /** Goes on reading from {@code state}, the start of an entry of this file. */
    void resume(ScanState state) {
        lexer.resume(state.offset(), state.line());
        fields.origin(state.origin());
        defaultTtl = state.defaultTtl();
        lastTtl = state.lastTtl();
        if (state.owner() != null) {
            System.arraycopy(state.owner(), 0, owner, 0, state.owner().length);
            ownerState = OWNER;
        } else {
            ownerState = state.ownerKnown() ? BAD_OWNER : NO_OWNER;
        }
    }

    /** Reads one entry; false at the end of the file. */
    private boolean entry() throws ScanException {
        boolean inherits = lexer.blankFirst();
        int kind = lexer.next();
        if (kind == Lexer.EOF) {
            return false;
        }
        if (kind == Lexer.EOL) {
            return true;
        }
        int line = lexer.line();
        byte[] text = lexer.input();
        if (inherits) {
            if (ownerState == NO_OWNER) {
                throw new ScanException("no owner: the first record of " + name + " starts with a blank"
                        + " (RFC 1035 §5.1)");
            }
            lexer.pushBack();
        } else if (kind == Lexer.WORD && text[lexer.start()] == '$') {
            Directives.read(this);
            return true;
        } else {
            ownerState = BAD_OWNER;
            NameParser.parse(text, lexer.start(), lexer.end(), fields.origin(), owner, 0);
            ownerState = OWNER;
        }
        ttlClassAndType(lastTtl);
        if (ttl < 0) {
            ttl = 0;
            rdata.parse(owner, type, dclass, 0);
            ttl = soaMinimum();
            defaultTtl = ttl;
        } else {
            rdata.parse(owner, type, dclass, ttl);
        }
        lastTtl = ttl;
        if (ownerState == OWNER) {
            scanner.emit(owner, type, dclass, ttl, name, line);
        }
        return true;
    }

    /**
     * Reads the TTL, class and type that follow an owner, in dnsjava's order: the class and the TTL
     * are optional, in either order (RFC 1035 §5.1). Leaves {@link #ttl} -1 for an SOA without a
     * TTL and no default, whose MINIMUM is then its TTL.
     *
     * @param previousTtl the TTL a record without one takes when there is no {@code $TTL}, or -1
     */
    void ttlClassAndType(long previousTtl) throws ScanException {
        byte[] text = lexer.input();
        fields.string("a TTL, class or type");
        dclass = Mnemonics.dclass(text, lexer.start(), lexer.end());
        boolean seenClass = dclass >= 0;
        if (seenClass) {
            fields.string("a TTL or type");
        }
        ttl = Numbers.ttl(text, lexer.start(), lexer.end(), true);
        if (ttl >= 0) {
            fields.string(seenClass ? "a type" : "a class or type");
        } else {
            ttl = defaultTtl >= 0 ? defaultTtl : previousTtl;
        }
        if (!seenClass) {
            dclass = Mnemonics.dclass(text, lexer.start(), lexer.end());
            if (dclass >= 0) {
                fields.string("a type");
            } else {
                dclass = DClass.IN;
            }
        }
        type = Mnemonics.type(text, lexer.start(), lexer.end());
        if (type < 0) {
            throw new ScanException("unknown type " + fields.token());
        }
        if (ttl < 0 && type != Type.SOA) {
            throw new ScanException("no TTL: the record has none, and no $TTL or record with one comes before it"
                    + " (RFC 2308 §4)");
        }
    }

    /** The TTL of the previous record of this file, or -1. */
    long lastTtl() {
        return lastTtl;
    }

    /** The MINIMUM of the SOA just read (RFC 1035 §3.3.13): its rdata's last 32 bits. */
    private long soaMinimum() {
        byte[] b = fields.out.array();
        int end = fields.out.rdataEnd();
        long minimum = (b[end - 4] & 0xffL) << 24 | (b[end - 3] & 0xff) << 16 | (b[end - 2] & 0xff) << 8
                | b[end - 1] & 0xff;
        return Math.min(minimum, Numbers.MAX_TTL);
    }
}
