package io.hpdns.zonefile;

import java.util.Arrays;

/**
 * Where the scanner stands in a master file at the start of an entry, outside parentheses: the
 * offset and line, and everything the entries after it are read with (RFC 1035 §5.1): the origin,
 * the {@code $TTL}, the previous record's owner, which a record starting with a blank takes, and
 * its TTL. Reading the file on from here gives the records a reading from its start would give
 * from here. The scanner records one every so many octets of a master file, so that an
 * edited file can be read again from just before the edit ({@link ZoneFileScanner#scanRange}).
 *
 * @param offset where the entry starts in the file's octets
 * @param line the line it starts on
 * @param origin the origin, in wire format
 * @param defaultTtl the {@code $TTL}, or -1
 * @param lastTtl the previous record's TTL, or -1
 * @param owner the previous record's owner in wire format, or null when there is none (or it could
 *     not be read, and the records that take it are read but not handed over)
 * @param ownerKnown whether there is a previous owner at all (false: a record starting with a blank
 *     is a fault)
 */
public record ScanState(int offset, int line, byte[] origin, long defaultTtl, long lastTtl, byte[] owner,
                        boolean ownerKnown) {

    /**
     * Whether the entries after this state read as the ones after {@code other} do when the
     * octets after both are the same: everything but where they are.
     */
    public boolean readsLike(ScanState other) {
        // The previous record's TTL is only taken when there is no $TTL.
        return defaultTtl == other.defaultTtl && (defaultTtl >= 0 || lastTtl == other.lastTtl)
                && ownerKnown == other.ownerKnown && Arrays.equals(origin, other.origin)
                && Arrays.equals(owner, other.owner);
    }

    /** The same state {@code octets} further on and {@code lines} lines later. */
    public ScanState movedBy(int octets, int lines) {
        return new ScanState(offset + octets, line + lines, origin, defaultTtl, lastTtl, owner, ownerKnown);
    }
}
