package io.hpdns.lookup;

import static io.hpdns.wire.DnsConstants.*;

import io.hpdns.wire.WireNames;
import io.hpdns.zone.CompiledZone;

/**
 * The authoritative part of the RFC 1034 §4.3.2 algorithm over one zone, with wildcards (RFC 4592)
 * and DNAME (RFC 6672): finds the node for the name, or the zone cut or DNAME above it, or the
 * closest encloser and its wildcard, and records the answer in an {@link Answer}. CNAMEs and
 * DNAMEs are followed while the target stays inside the zone. For a client that set DO in a signed
 * zone, each authoritative RRset comes with its RRSIGs and each denial with its NSEC or NSEC3
 * proof ({@link Denial}; RFC 4035 §3.1, RFC 5155 §7.2).
 *
 * <p>One instance per thread; it keeps the current name, and the names it copies out of the zone
 * or synthesizes, in scratch arrays and allocates nothing. Nodes and RRsets are the zone's offsets
 * ({@link CompiledZone}).
 */
public final class Lookup {
    /** Longest CNAME/DNAME chain followed; a loop stops earlier, at the first repeated node. */
    private static final int MAX_CHAIN = 12;
    private static final int OWNER_QNAME = -1;

    /**
     * The current name, lowercased, and its label offsets: the query reader's own arrays for the
     * question (read, never written), or the copies below once a CNAME or DNAME is followed.
     */
    private byte[] name;
    private int[] starts;
    private final byte[] followedName = new byte[MAX_NAME_LENGTH];
    private final int[] followedStarts = new int[MAX_NAME_LENGTH / 2 + 2];
    private int nameLen;
    private int labels;
    /** The current name as it should appear as an owner: the question, or a CNAME/DNAME target. */
    private byte[] owner;
    private int ownerOff;

    /** CNAME targets copied out of the zone and names synthesized from DNAMEs, owners of later records. */
    private final byte[] synthesized = new byte[MAX_NAME_LENGTH * (MAX_CHAIN + 1)];
    private int synthesizedUsed;
    /** A zone cut's owner, lowercased, while its glue is looked for. */
    private final byte[] cutKey = new byte[MAX_NAME_LENGTH];
    private final byte[] wildcard = new byte[MAX_NAME_LENGTH + 2];
    private final byte[] key = new byte[MAX_NAME_LENGTH];
    private final int[] keyStarts = new int[MAX_NAME_LENGTH / 2 + 2];
    private final long[] visited = new long[MAX_CHAIN + 1];
    private int visitedCount;
    private final Denial denial = new Denial();

    private CompiledZone zone;
    private boolean cutsCompiled;
    private int qtype;
    private boolean tcp;
    /** RRSIGs with the RRsets: the client set DO and the zone is signed. */
    private boolean dnssec;
    /** NSEC or NSEC3 proofs with the denials: {@link #dnssec}, and the zone has a chain of either. */
    private boolean proofs;
    /** Whether the zone is signed with NSEC3, whose owner names are not names of the zone. */
    private boolean hashedOwners;
    /** While a wildcard answers: the closest encloser it is the child of, and its label in the name. */
    private long wildcardEncloser;
    private int wildcardEncloserIndex;
    private Answer answer;

    /**
     * Answers {@code qtype} for the lowercased question name within {@code zone}, which must
     * contain it.
     *
     * @param labelStarts offsets of the name's labels, entry {@code labelCount} the root label
     * @param tcp whether the full ANY answer may be given (RFC 8482 §4.1)
     * @param dnssecOk whether the query set DO (RFC 3225): RRSIGs and denial proofs wanted
     * @param cutsCompiled whether a referral for a name below a zone cut is left to the cut's
     *     compiled referral: the answer then only names the cut ({@link Answer#referralCut})
     */
    public void lookup(CompiledZone zone, byte[] qname, int qnameLen, int[] labelStarts, int labelCount, int qtype,
                       boolean tcp, boolean dnssecOk, boolean cutsCompiled, Answer answer) {
        this.cutsCompiled = cutsCompiled;
        this.zone = zone;
        this.qtype = qtype;
        this.tcp = tcp;
        this.dnssec = dnssecOk && zone.signed();
        this.hashedOwners = zone.nsec3() != null;
        this.proofs = dnssec && zone.denialCount() > 0;
        if (proofs) {
            denial.reset(zone);
        }
        this.answer = answer;
        answer.reset();
        synthesizedUsed = 0;
        visitedCount = 0;
        name = qname;
        nameLen = qnameLen;
        starts = labelStarts;
        labels = labelCount;
        owner = null;
        ownerOff = OWNER_QNAME;
        for (int hop = 0; hop <= MAX_CHAIN; hop++) {
            if (!step(hop)) {
                break;
            }
        }
        this.zone = null;
        this.answer = null;
    }

    /** Makes {@code src[off..]} (an uncompressed name, a CNAME or DNAME target) the current name, lowercased. */
    private void setName(byte[] src, int off, byte[] ownerArr, int ownerStart) {
        name = followedName;
        starts = followedStarts;
        nameLen = WireNames.copyLower(src, off, name, 0);
        labels = WireNames.labelStarts(name, 0, starts);
        owner = ownerArr;
        ownerOff = ownerStart;
    }

    /** One pass of §4.3.2 step 3 for the current name; returns true when a CNAME/DNAME is to be followed. */
    private boolean step(int hop) {
        int below = labels - zone.originLabels();
        long encloser = zone.apex();
        int encloserIndex = below;
        // RFC 6672 §2.3: a DNAME may sit at the apex too, redirecting every name below it.
        long apexDname = below > 0 ? zone.rrset(encloser, TYPE_DNAME) : CompiledZone.NONE;
        if (apexDname != CompiledZone.NONE) {
            return substitute(encloser, apexDname, below);
        }
        for (int i = below - 1; i >= 0; i--) {
            long node = zone.node(name, starts[i], nameLen - starts[i]);
            if (node == CompiledZone.NONE || hashedOwners && zone.isNsec3Only(node)) {
                // RFC 5155 §7.2.9: an NSEC3's owner name is answered as if it did not exist.
                break;
            }
            encloser = node;
            encloserIndex = i;
            // RFC 4035 §3.1.4.1: DS lives on the parent side of the cut, so a DS query for the cut
            // itself is answered here, not referred.
            if (zone.isZoneCut(node) && !(i == 0 && qtype == TYPE_DS)) {
                if (cutsCompiled && i > 0 && hop == 0) {
                    // The referral is the cut's own, which its compiled answers hold.
                    answer.referralCut(node, i);
                } else {
                    referral(node, i, hop);
                }
                return false;
            }
            long dname = i > 0 ? zone.rrset(node, TYPE_DNAME) : CompiledZone.NONE;
            if (dname != CompiledZone.NONE) {
                return substitute(node, dname, i);
            }
        }
        if (encloserIndex == 0) {
            return answerAt(encloser, false);
        }
        long source = wildcardOf(encloserIndex);
        if (source != CompiledZone.NONE) {
            // RFC 4592 §3.3.1: the answer is synthesized from the source of synthesis, with the
            // query name as owner.
            wildcardEncloser = encloser;
            wildcardEncloserIndex = encloserIndex;
            return answerAt(source, true);
        }
        answer.rcode(RCODE_NXDOMAIN);
        negative();
        if (proofs) {
            denial.nameError(name, starts, labels, encloserIndex, encloser);
            addProofs();
        }
        return false;
    }

    /** The wildcard child {@code *.<closest encloser>} (RFC 4592 §3.3.1), or {@link CompiledZone#NONE}. */
    private long wildcardOf(int encloserIndex) {
        int off = starts[encloserIndex];
        int len = nameLen - off;
        if (len + 2 > MAX_NAME_LENGTH) {
            return CompiledZone.NONE;
        }
        wildcard[0] = 1;
        wildcard[1] = '*';
        System.arraycopy(name, off, wildcard, 2, len);
        return zone.node(wildcard, 0, len + 2);
    }

    /**
     * The current name exists as {@code node}, or {@code wildcard}: the wildcard {@code node}
     * stands in for it (RFC 4592 §3.3.1).
     */
    private boolean answerAt(long node, boolean wildcard) {
        if (qtype == TYPE_ANY && !zone.isEmptyNonTerminal(node)) {
            anyAnswer(node);
            proveSynthesis(wildcard);
            return false;
        }
        if (qtype == TYPE_RRSIG && zone.rrset(node, TYPE_RRSIG) != CompiledZone.NONE) {
            rrsigAnswer(node);
            proveSynthesis(wildcard);
            return false;
        }
        long match = zone.rrset(node, qtype);
        if (match != CompiledZone.NONE) {
            add(Answer.ANSWER, owner, ownerOff, node, match, qtype, zone.ttl(match));
            additionalFor(match, CompiledZone.NONE);
            proveSynthesis(wildcard);
            return false;
        }
        long cname = zone.rrset(node, TYPE_CNAME);
        if (cname != CompiledZone.NONE) {
            add(Answer.ANSWER, owner, ownerOff, node, cname, TYPE_CNAME, zone.ttl(cname));
            proveSynthesis(wildcard);
            // The target, as written, is the owner of what follows: copied out of the zone.
            long target = zone.records(cname) + 2;
            int targetLen = zone.nameLength(target);
            if (synthesizedUsed + targetLen > synthesized.length) {
                return false;
            }
            int at = synthesizedUsed;
            synthesizedUsed += zone.copyName(target, synthesized, at);
            return follow(node, synthesized, at);
        }
        negative();
        if (proofs) {
            if (wildcard) {
                denial.wildcardNoData(name, starts, labels, wildcardEncloserIndex, wildcardEncloser, node);
            } else {
                denial.noData(name, starts, labels, node);
            }
            addProofs();
        }
        return false;
    }

    /**
     * An answer synthesized from a wildcard carries the proof that no name closer to the question
     * exists (its RRSIGs' labels field tells the expansion; RFC 4035 §3.1.3.3, RFC 5155 §7.2.6).
     */
    private void proveSynthesis(boolean wildcard) {
        if (wildcard && proofs) {
            denial.wildcardAnswer(name, starts, labels, wildcardEncloserIndex);
            addProofs();
        }
    }

    /**
     * ANY: every RRset over TCP; over UDP the minimal answer of RFC 8482 §4.1: one RRset of the
     * name, the one with the lowest type, as Knot DNS does (with its RRSIGs for DO).
     */
    private void anyAnswer(long node) {
        int wanted = tcp ? Integer.MAX_VALUE : 1;
        long rrset = zone.firstRRset(node);
        for (int i = zone.rrsetCount(node); i > 0 && wanted > 0; i--, rrset = zone.nextRRset(rrset)) {
            int type = zone.type(rrset);
            // For DO each RRset brings its own signatures.
            if (!(dnssec && type == TYPE_RRSIG)) {
                add(Answer.ANSWER, owner, ownerOff, node, rrset, type, zone.ttl(rrset));
                additionalFor(rrset, CompiledZone.NONE);
                wanted--;
            }
        }
    }

    /** A question for RRSIG: the signatures of every type, each RRset with its own TTL, as data. */
    private void rrsigAnswer(long node) {
        long r = zone.firstRRset(node);
        for (int i = zone.rrsetCount(node); i > 0; i--, r = zone.nextRRset(r)) {
            if (zone.type(r) == TYPE_RRSIG) {
                answer.add(Answer.ANSWER, owner, ownerOff, r, TYPE_RRSIG, zone.ttl(r), false);
            }
        }
    }

    /** Adds a zone RRset of {@code node} owned by {@code owner[ownerOff..]} (-1: the question name), with its RRSIGs. */
    private void add(int section, byte[] owner, int ownerOff, long node, long rrset, int type, long ttl) {
        if (answer.add(section, owner, ownerOff, rrset, type, ttl, false)) {
            sign(section, node, type, ttl);
        }
    }

    /** Adds a zone RRset owned by {@code node}, with its RRSIGs. */
    private void add(int section, long node, long rrset, int type, long ttl, boolean required) {
        if (answer.add(section, node, rrset, type, ttl, required)) {
            sign(section, node, type, ttl);
        }
    }

    /**
     * For a client that set DO, the RRSIGs covering the RRset just added (RFC 4035 §3.1.1), at most
     * as long-lived as it was written: the SOA of a negative answer has the negative TTL, and so do
     * its signatures. Glue and the NS RRset of a zone cut are not signed, so they have none.
     */
    private void sign(int section, long node, int type, long ttl) {
        if (!dnssec || type == TYPE_RRSIG) {
            return;
        }
        long rrsig = zone.signatures(node, type);
        if (rrsig != CompiledZone.NONE) {
            answer.addSignatures(section, rrsig, Math.min(zone.ttl(rrsig), ttl));
        }
    }

    /** The NSEC or NSEC3 RRsets the {@link #denial} found, in authority with their RRSIGs; each once. */
    private void addProofs() {
        int type = denial.nsec3() ? TYPE_NSEC3 : TYPE_NSEC;
        for (int i = 0; i < denial.count(); i++) {
            long owner = denial.owner(i);
            long rrset = zone.rrset(owner, type);
            add(Answer.AUTHORITY, owner, rrset, type, zone.ttl(rrset), false);
        }
        denial.reset(zone);
    }

    /**
     * RFC 6672 §2.2: a DNAME at an ancestor replaces that suffix of the name: answer the DNAME and
     * a CNAME synthesized from it (TTL of the DNAME), then continue with the new name.
     */
    private boolean substitute(long node, long dname, int index) {
        long ttl = zone.ttl(dname);
        // RFC 6672 §5.3.1: the DNAME with its RRSIGs; the CNAME made from it is not signed.
        add(Answer.ANSWER, node, dname, TYPE_DNAME, ttl, false);
        long target = zone.records(dname) + 2;
        int prefixLen = starts[index];
        int targetLen = zone.nameLength(target);
        if (prefixLen + targetLen > MAX_NAME_LENGTH) {
            answer.rcode(RCODE_YXDOMAIN);
            return false;
        }
        if (synthesizedUsed + prefixLen + targetLen > synthesized.length) {
            return false;
        }
        int at = synthesizedUsed;
        System.arraycopy(name, 0, synthesized, at, prefixLen);
        zone.copyName(target, synthesized, at + prefixLen);
        synthesizedUsed += prefixLen + targetLen;
        answer.addSynthesized(Answer.ANSWER, owner, ownerOff, TYPE_CNAME, ttl, synthesized, at, prefixLen + targetLen);
        // A CNAME query is answered by the synthesized CNAME itself (RFC 6672 §3.2).
        return qtype != TYPE_CNAME && follow(node, synthesized, at);
    }

    /**
     * Continues the lookup at a CNAME or DNAME target when it lies in this zone and its node was
     * not visited yet (a loop ends the chain, RFC 1034 §3.6.2).
     */
    private boolean follow(long from, byte[] target, int targetOff) {
        for (int i = 0; i < visitedCount; i++) {
            if (visited[i] == from) {
                return false;
            }
        }
        if (visitedCount == visited.length) {
            return false;
        }
        visited[visitedCount++] = from;
        setName(target, targetOff, target, targetOff);
        if (!inZone()) {
            return false;
        }
        return true;
    }

    private boolean inZone() {
        int below = labels - zone.originLabels();
        if (below < 0) {
            return false;
        }
        int off = starts[below];
        return zone.node(name, off, nameLen - off) == zone.apex();
    }

    /**
     * RFC 1034 §4.3.2 step 3b: a referral to the zone cut, not authoritative on the first hop: the
     * NS RRset in authority and the addresses of in-zone name servers in additional; glue below the
     * cut is required (RFC 9471 §3).
     */
    private void referral(long cut, int cutIndex, int hop) {
        if (hop == 0) {
            answer.authoritative(false);
        }
        long ns = zone.rrset(cut, TYPE_NS);
        answer.add(Answer.AUTHORITY, cut, ns, TYPE_NS, zone.ttl(ns), false);
        if (dnssec) {
            // RFC 4035 §3.1.4: the DS RRset of a signed child with its RRSIGs, or the NSEC or NSEC3
            // proving there is none.
            long ds = zone.rrset(cut, TYPE_DS);
            if (ds != CompiledZone.NONE) {
                add(Answer.AUTHORITY, cut, ds, TYPE_DS, zone.ttl(ds), false);
            } else if (proofs) {
                denial.noDs(name, starts, cutIndex, cut);
                addProofs();
            }
        }
        additionalFor(ns, cut);
    }

    /** Whether the lowercased name {@code key} equals {@code ancestor} or lies below it. */
    private boolean isAtOrBelow(byte[] key, byte[] ancestor) {
        int keyLabels = WireNames.labelStarts(key, 0, keyStarts);
        int extra = keyLabels - WireNames.labelCount(ancestor, 0);
        return extra >= 0 && WireNames.equalsIgnoreCase(key, keyStarts[extra], ancestor, 0);
    }

    /** RFC 2308 §3/§5: NXDOMAIN and NODATA carry the zone's SOA with the negative TTL. */
    private void negative() {
        add(Answer.AUTHORITY, zone.apex(), zone.soa(), TYPE_SOA, zone.negativeTtl(), false);
    }

    /**
     * Whether the answer to a query for an RRset of this type, at a name that has it, is that RRset
     * alone: no CNAME to follow and no additional section processing, so nothing read beyond the
     * name's own node.
     */
    public static boolean answeredFromOwnRRset(int type) {
        return type != TYPE_CNAME && additionalNameAt(type) < 0;
    }

    /**
     * Where in an RRset's rdata of this type the name whose addresses go in additional starts; -1:
     * none. SVCB and HTTPS: the TargetName after the SvcPriority (RFC 9460 §4.1), never compressed.
     */
    public static int additionalNameAt(int type) {
        return switch (type) {
            case TYPE_NS -> 0;
            case TYPE_MX, TYPE_SVCB, TYPE_HTTPS -> 2;
            case TYPE_SRV -> 6;
            default -> -1;
        };
    }

    /**
     * RFC 1034 §3.6.2 additional section processing: addresses of NS, MX, SRV, SVCB and HTTPS
     * targets in the zone (RFC 9460 §4.1, as Knot DNS gives them). For a referral ({@code cut}
     * given), addresses of targets below the cut are glue.
     */
    private void additionalFor(long rrset, long cut) {
        int type = zone.type(rrset);
        int nameAt = additionalNameAt(type);
        if (nameAt < 0) {
            return;
        }
        if (cut != CompiledZone.NONE) {
            zone.copyNameLower(zone.key(cut), cutKey, 0);
        }
        long p = zone.records(rrset);
        for (int i = zone.size(rrset); i > 0; i--, p = zone.nextRecord(p)) {
            int len = zone.copyNameLower(p + 2 + nameAt, key, 0);
            long target = zone.node(key, 0, len);
            if (target == CompiledZone.NONE) {
                continue;
            }
            boolean glue = cut != CompiledZone.NONE && isAtOrBelow(key, cutKey);
            long a = zone.rrset(target, TYPE_A);
            long aaaa = zone.rrset(target, TYPE_AAAA);
            if (a != CompiledZone.NONE) {
                add(Answer.ADDITIONAL, target, a, TYPE_A, zone.ttl(a), glue);
            }
            if (aaaa != CompiledZone.NONE) {
                add(Answer.ADDITIONAL, target, aaaa, TYPE_AAAA, zone.ttl(aaaa), glue);
            }
            if (type == TYPE_SVCB || type == TYPE_HTTPS) {
                serviceBindingOf(target, type, a != CompiledZone.NONE && aaaa != CompiledZone.NONE);
            }
        }
    }

    /**
     * RFC 9460 §4.1, as Knot DNS answers: a service binding's target also brings its own SVCB or
     * HTTPS RRset and, for DO, the NSEC or NSEC3 of the target proving the types it lacks.
     */
    private void serviceBindingOf(long target, int type, boolean hasAddresses) {
        long same = zone.rrset(target, type);
        if (same != CompiledZone.NONE) {
            add(Answer.ADDITIONAL, target, same, type, zone.ttl(same), false);
        }
        if (!proofs || hasAddresses && same != CompiledZone.NONE) {
            return;
        }
        long owner = zone.nsec3() != null ? zone.nsec3Matching(target) : target;
        int proof = zone.nsec3() != null ? TYPE_NSEC3 : TYPE_NSEC;
        long rrset = owner == CompiledZone.NONE ? CompiledZone.NONE : zone.rrset(owner, proof);
        if (rrset != CompiledZone.NONE) {
            add(Answer.ADDITIONAL, owner, rrset, proof, zone.ttl(rrset), false);
        }
    }
}
