package io.hpdns.zonefile;

/**
 * One record as the scanner hands it over, in wire form. The object and its arrays are reused
 * for the next record: take what is needed before {@link ZoneFileScanner.Sink#record} returns.
 */
public final class ScannedRecord {
    byte[] owner;
    int type;
    int dclass;
    long ttl;
    byte[] data;
    int rdataEnd;
    int canonicalEnd;
    String file;
    int line;

    ScannedRecord() {}

    /** The owner name in uncompressed wire form at offset 0, in the letter case written. */
    public byte[] owner() {
        return owner;
    }

    public int type() {
        return type;
    }

    public int dclass() {
        return dclass;
    }

    public long ttl() {
        return ttl;
    }

    /**
     * The rdata at {@code data()[0..rdataEnd())}, then its canonical form (RFC 4034 §6.2: names
     * lowercased) at {@code data()[rdataEnd()..canonicalEnd())}, each preceded by its 16-bit length.
     */
    public byte[] data() {
        return data;
    }

    public int rdataEnd() {
        return rdataEnd;
    }

    public int canonicalEnd() {
        return canonicalEnd;
    }

    /** The file the record is in, as the master file or the {@code $INCLUDE} named it. */
    public String file() {
        return file;
    }

    /** The line the record starts on; a {@code $GENERATE}d record has the directive's. */
    public int line() {
        return line;
    }
}
