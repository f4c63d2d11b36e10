package io.hpdns.zone;

/**
 * One owner name in a zone's tree and the RRsets it owns. A node with no RRset is an empty
 * non-terminal (RFC 8020 §2, RFC 4592 §2.2.2): it exists, so names below it make it answer NODATA,
 * and it blocks wildcards above it.
 */
public final class Node {
    private static final RRset[] NONE = new RRset[0];

    private final byte[] owner;
    private final byte[] key;
    private final RRset[] rrsets;
    private final boolean zoneCut;

    /** {@code owner} and {@code key} are the same array when the zone file wrote the name in lowercase. */
    Node(byte[] owner, byte[] key, RRset[] rrsets, boolean zoneCut) {
        this.owner = owner;
        this.key = key;
        this.rrsets = rrsets == null ? NONE : rrsets;
        this.zoneCut = zoneCut;
    }

    /** The owner name in uncompressed wire format, with the letter case of the zone file. */
    public byte[] owner() { return owner; }

    /** The owner name lowercased: its key in the zone's name table. */
    byte[] key() { return key; }

    /** RRsets ordered by type. */
    public RRset[] rrsets() { return rrsets; }

    /** The RRset of the given type, or null. */
    public RRset rrset(int type) {
        for (RRset r : rrsets) {
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    /** A delegation point: NS below the apex (RFC 1034 §4.2.1). */
    public boolean isZoneCut() { return zoneCut; }

    public boolean isEmptyNonTerminal() { return rrsets.length == 0; }
}
