package io.hpdns.lookup;

import static io.hpdns.wire.DnsConstants.MAX_NAME_LENGTH;

import io.hpdns.wire.WireNames;
import io.hpdns.zone.CanonicalOrder;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.Nsec3Hash;
import java.lang.foreign.MemorySegment;

/**
 * Which NSEC or NSEC3 records prove a denial of existence in a signed zone: the owners, in the
 * zone's chain, of the records a validator needs (RFC 4035 §3.1.3 for NSEC, RFC 5155 §7.2 for
 * NSEC3). The names of a question are given lowercased with the offsets of their labels, index 0
 * the name itself; an index {@code i} names the suffix starting at label {@code i}.
 *
 * <p>NSEC3 hashes of names that exist were computed when the zone was compiled
 * ({@link CompiledZone#nsec3Matching}); only the next closer name of a name that does not exist is
 * hashed here (RFC 5155 §7.2.1: it depends on the question). One instance per thread: it keeps
 * scratch space and allocates nothing.
 */
final class Denial {
    /** A proof takes at most three records (RFC 5155 §7.2.5). */
    private final long[] owners = new long[3];
    private int count;
    private final CanonicalOrder canonical = new CanonicalOrder();
    private final Nsec3Hash hash = new Nsec3Hash();
    /** The label of a hashed owner name, and the same as a segment (made once) for the chain's search. */
    private final byte[] hashed = new byte[Nsec3Hash.LABEL];
    private final MemorySegment hashedLabel = MemorySegment.ofArray(hashed);
    private final byte[] wildcard = new byte[MAX_NAME_LENGTH + 2];
    private final int[] wildcardStarts = new int[MAX_NAME_LENGTH / 2 + 2];
    private CompiledZone zone;
    private boolean nsec3;

    /** Starts the proofs of one answer from {@code zone}, whose {@link CompiledZone#denialCount} is not 0. */
    void reset(CompiledZone zone) {
        this.zone = zone;
        this.nsec3 = zone.nsec3() != null;
        count = 0;
    }

    /** The type of the records proving: NSEC or NSEC3. */
    boolean nsec3() {
        return nsec3;
    }

    int count() {
        return count;
    }

    long owner(int i) {
        return owners[i];
    }

    /**
     * NXDOMAIN (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2): the name does not exist below its closest
     * encloser (label {@code encloserIndex}, {@code encloser}), and no wildcard there could have
     * made it.
     */
    void nameError(byte[] name, int[] starts, int labels, int encloserIndex, long encloser) {
        if (nsec3) {
            closestEncloserProof(name, starts, encloserIndex, encloser);
            add(zone.nsec3OfWildcard(encloser));
        } else {
            add(nsecCovering(name, starts, labels));
            int length = WireNames.length(name, starts[encloserIndex]);
            if (length + 2 <= MAX_NAME_LENGTH) {
                wildcard[0] = 1;
                wildcard[1] = '*';
                System.arraycopy(name, starts[encloserIndex], wildcard, 2, length);
                add(nsecCovering(wildcard, wildcardStarts, WireNames.labelStarts(wildcard, 0, wildcardStarts)));
            }
        }
    }

    /**
     * NODATA at a name that exists as {@code node} (RFC 4035 §3.1.3.1, RFC 5155 §7.2.3 and, for DS,
     * §7.2.4): its own record, whose bitmap lacks the type; an empty non-terminal's in NSEC is the
     * record before it, whose next name lies below it.
     */
    void noData(byte[] name, int[] starts, int labels, long node) {
        if (nsec3) {
            provableEncloser(name, starts, 0, node);
        } else if (zone.isEmptyNonTerminal(node)) {
            add(nsecCovering(name, starts, labels));
        } else {
            add(node);
        }
    }

    /**
     * NODATA from the wildcard {@code source} below the closest encloser (RFC 4035 §3.1.3.4,
     * RFC 5155 §7.2.5): the name does not exist, and the wildcard has no such type.
     */
    void wildcardNoData(byte[] name, int[] starts, int labels, int encloserIndex, long encloser, long source) {
        if (nsec3) {
            closestEncloserProof(name, starts, encloserIndex, encloser);
            add(zone.nsec3Matching(source));
        } else {
            add(nsecCovering(name, starts, labels));
            add(source);
        }
    }

    /**
     * An answer synthesized from a wildcard below the closest encloser (RFC 4035 §3.1.3.3, RFC 5155
     * §7.2.6): no name closer to the question exists.
     */
    void wildcardAnswer(byte[] name, int[] starts, int labels, int encloserIndex) {
        if (nsec3) {
            add(coveringHashOf(name, starts[encloserIndex - 1]));
        } else {
            add(nsecCovering(name, starts, labels));
        }
    }

    /**
     * A referral to a child without DS (RFC 4035 §3.1.4.1, RFC 5155 §7.2.7): the zone cut at label
     * {@code cutIndex} has no DS; with NSEC3 opt-out, which leaves the cut out of the chain, the
     * closest provable encloser proof says the cut may be an unsigned delegation.
     */
    void noDs(byte[] name, int[] starts, int cutIndex, long cut) {
        if (nsec3) {
            provableEncloser(name, starts, cutIndex, cut);
        } else {
            add(cut);
        }
    }

    /**
     * The NSEC3 matching the name at label {@code index} ({@code node}), or, when opt-out left it
     * out of the chain, the closest provable encloser proof for it (RFC 5155 §7.2.4).
     */
    private void provableEncloser(byte[] name, int[] starts, int index, long node) {
        long matching = zone.nsec3Matching(node);
        if (matching != CompiledZone.NONE) {
            add(matching);
        } else if (node == zone.apex()) {
            // An apex out of its own chain: a broken zone; the covering record is all there is.
            add(zone.nsec3Covering(node));
        } else {
            closestEncloserProof(name, starts, index + 1, ancestor(name, starts, index + 1));
        }
    }

    /**
     * RFC 5155 §7.2.1: the NSEC3 matching the closest (provable) encloser, from label
     * {@code index} ({@code node}) up, and the NSEC3 covering the next closer name, one label
     * longer: a name that does not exist, hashed now, when the encloser is the one given; else a
     * name between them, which exists and was hashed when the zone was compiled.
     */
    private void closestEncloserProof(byte[] name, int[] starts, int index, long node) {
        int encloser = index;
        long at = node;
        long matching;
        while ((matching = zone.nsec3Matching(at)) == CompiledZone.NONE && at != zone.apex()) {
            encloser++;
            at = ancestor(name, starts, encloser);
        }
        add(matching);
        if (encloser == index) {
            add(coveringHashOf(name, starts[encloser - 1]));
        } else {
            add(zone.nsec3Covering(ancestor(name, starts, encloser - 1)));
        }
    }

    /** The node of the name at label {@code index}: an ancestor of a node, so it exists. */
    private long ancestor(byte[] name, int[] starts, int index) {
        return zone.node(name, starts[index], WireNames.length(name, starts[index]));
    }

    /** The NSEC3 owner covering (or matching) the hash of the name at {@code name[off..]}. */
    private long coveringHashOf(byte[] name, int off) {
        hash.label(name, off, WireNames.length(name, off), zone.nsec3(), hashed, 0);
        return zone.nsec3Covering(hashedLabel);
    }

    private long nsecCovering(byte[] name, int[] starts, int labels) {
        return zone.denialCovering(name, starts, labels, canonical);
    }

    private void add(long owner) {
        for (int i = 0; i < count; i++) {
            if (owners[i] == owner) {
                return;
            }
        }
        owners[count++] = owner;
    }
}
