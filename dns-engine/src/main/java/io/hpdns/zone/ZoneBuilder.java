package io.hpdns.zone;

import io.hpdns.wire.WireNames;
import io.hpdns.zonefile.ScannedRecord;
import io.hpdns.zonefile.ZoneFileScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Takes a master file's records one at a time as they are scanned, in wire form, groups them into
 * RRsets per owner, checks the zone rules, and builds the {@link Zone}. The scanner's faults are
 * collected with the builder's findings.
 */
final class ZoneBuilder implements ZoneFileScanner.Sink {
    private final Name origin;
    private final String file;
    private final List<ZoneProblem> problems;
    /** The origin, lowercased, in wire format. */
    private final byte[] apexKey;
    private final int apexLabels;
    private final OwnerTable owners;
    /** Every file records came from ($INCLUDE), each once, in the order first read. */
    private final Set<String> files = new LinkedHashSet<>();
    private String lastFile;
    /** The owner of the previous record, as written, in wire form. */
    private final byte[] lastOwner = new byte[256];
    private int lastOwnerLength;
    private boolean lastInZone;
    private Node lastNode;
    /** Records handed over that an RRset already held. */
    private int duplicates;
    /**
     * For a patch ({@link ZonePatch}): the zone the records change, whose names the checks see
     * beside the builder's own (the builder's win); null when the builder reads a whole zone.
     */
    private final CompiledZone base;
    /** Names of {@link #base} the checks looked at, as nodes with their RRsets' types only. */
    private final Map<String, Node> baseNodes = new HashMap<>();
    private final SignatureExpiry expiry = new SignatureExpiry(Instant.now());

    /** @param expectedNames how many owner names the zone is expected to have, to size tables up front */
    ZoneBuilder(Name origin, String file, List<ZoneProblem> problems, int expectedNames) {
        this(origin, file, problems, expectedNames, null);
    }

    /**
     * A builder of some of {@code base}'s names anew ({@link #buildChanged}); its checks look up
     * every other name in {@code base}.
     */
    ZoneBuilder(Name origin, String file, List<ZoneProblem> problems, int expectedNames, CompiledZone base) {
        this.origin = origin;
        this.file = file;
        this.problems = problems;
        this.apexKey = NameTable.key(origin.toWire());
        this.apexLabels = WireNames.labelCount(apexKey, 0);
        this.owners = new OwnerTable(expectedNames);
        this.base = base;
    }

    @Override
    public void record(ScannedRecord rec) {
        String recFile = rec.file();
        int line = rec.line();
        // Records come in runs from one file: note the file only when it changes.
        if (!recFile.equals(lastFile)) {
            lastFile = recFile;
            files.add(recFile);
        }
        if (rec.dclass() != DClass.IN) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, recFile, line,
                    "class " + DClass.string(rec.dclass()) + " is not supported, only IN"));
            return;
        }
        byte[] owner = rec.owner();
        int ownerLength = WireNames.length(owner, 0);
        if (!Arrays.equals(owner, 0, ownerLength, lastOwner, 0, lastOwnerLength)) {
            // A new owner: records of one owner mostly come together, so this is done once for them.
            System.arraycopy(owner, 0, lastOwner, 0, ownerLength);
            lastOwnerLength = ownerLength;
            int extra = WireNames.labelCount(owner, 0) - apexLabels;
            lastInZone = extra >= 0 && WireNames.equalsIgnoreCase(apexKey, 0, owner, suffix(owner, 0, extra));
            lastNode = null;
        }
        int type = rec.type();
        if (!lastInZone) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, recFile, line,
                    "owner " + WireNames.toString(owner, 0) + " is outside the zone " + origin));
            return;
        }
        if (type == Type.SOA && !WireNames.equalsIgnoreCase(apexKey, 0, owner, 0)) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, recFile, line,
                    "SOA record at " + WireNames.toString(owner, 0) + ", not at the zone apex " + origin));
            return;
        }
        if (lastNode == null) {
            lastNode = owners.intern(owner, 0);
        }
        int covered = 0;
        if (type == Type.RRSIG) {
            covered = RRset.coveredBy(rec.data(), 0);
            expiry.signature(rec.data(), 2, RRset.rdataLength(rec.data(), 0), recFile, line);
        }
        RRset rrset = lastNode.rrset(type, covered);
        if (rrset == null) {
            rrset = lastNode.add(new RRset(type, covered, rec.ttl(), recFile, line));
            // Owners of NS RRsets below the apex are the delegation points (RFC 1034 §4.2.1).
            if (type == Type.NS && !Arrays.equals(lastNode.key(), apexKey)) {
                lastNode.markZoneCut();
            }
        }
        if (!rrset.add(rec.data(), rec.rdataEnd(), rec.canonicalEnd(), line)) {
            problems.add(warning(recFile, line, "duplicate record ignored: " + text(rec)));
            duplicates++;
        } else if (rec.ttl() != rrset.ttl()) {
            problems.add(warning(recFile, line, "TTL " + rec.ttl() + " differs from the TTL " + rrset.ttl()
                    + " of the " + kind(rrset) + " RRset at " + WireNames.toString(owner, 0) + "; using "
                    + rrset.ttl() + " (RFC 2181 §5.2)"));
        }
    }

    /** "MX", or "RRSIG MX" for the signatures covering MX. */
    private static String kind(RRset rrset) {
        return rrset.type() == Type.RRSIG ? "RRSIG " + Type.string(rrset.covered()) : Type.string(rrset.type());
    }

    /** The record in presentation form, for a message (cold path: dnsjava formats it). */
    private static String text(ScannedRecord rec) {
        byte[] rdata = Arrays.copyOfRange(rec.data(), 2, rec.rdataEnd());
        try {
            return Record.newRecord(new Name(rec.owner()), rec.type(), rec.dclass(), rec.ttl(), rdata).toString();
        } catch (IOException | RuntimeException e) {
            return WireNames.toString(rec.owner(), 0) + " " + Type.string(rec.type());
        }
    }

    @Override
    public void problem(String problemFile, int line, String message) {
        problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, problemFile, line, message));
    }

    /** The master file, then each file it {@code $INCLUDE}d that held records, in the order first read. */
    List<Path> filesRead(Path masterFile) {
        Set<Path> paths = new LinkedHashSet<>();
        paths.add(masterFile);
        for (String f : files) {
            paths.add(Path.of(f));
        }
        return List.copyOf(paths);
    }

    /**
     * The names records were handed over for, in order of first appearance, with what they own,
     * sealed ({@link Node#seal}): no record is handed over after.
     */
    List<Node> owners() {
        List<Node> nodes = owners.nodes();
        nodes.forEach(Node::seal);
        return nodes;
    }

    /** Records handed over that an RRset already held, and that were left out. */
    int duplicates() {
        return duplicates;
    }

    /** Returns the zone, or null when an error was added to the problems. */
    Zone build() {
        expiry.report(file, problems);
        Node apex = owners.find(apexKey, 0);
        checkApex(apex);
        // One pass over the names, checking and sealing each: for a large zone each visit is a
        // few cache misses. The empty non-terminals it adds come last and are visited too.
        int recordCount = 0;
        for (int i = 0; i < owners.size(); i++) {
            for (RRset rrset : checked(owners.get(i)).rrsets()) {
                recordCount += rrset.size();
            }
        }
        if (hasError()) {
            return null;
        }
        // The names gathered are the zone's index of its nodes.
        return new Zone(origin, owners, apex, recordCount);
    }

    /**
     * For a patch: the nodes of the names the records were of, each checked against the others
     * and against the base zone's names, and the empty non-terminals their names need that the
     * base zone lacks, in order of first appearance; null when an error was added to the problems.
     *
     * @param apex whether the apex is among them whole, to be checked as a whole zone's
     */
    List<Node> buildChanged(boolean apex) {
        expiry.report(file, problems);
        if (apex) {
            checkApex(owners.find(apexKey, 0));
        }
        List<Node> nodes = new ArrayList<>(owners.size());
        for (int i = 0; i < owners.size(); i++) {
            nodes.add(checked(owners.get(i)));
        }
        return hasError() ? null : nodes;
    }

    /** The node checked and sealed, with the empty non-terminals above it added to the owners. */
    private Node checked(Node node) {
        if (!node.isEmptyNonTerminal()) {
            checkNode(node);
            checkNameServerAddresses(node);
            checkOccluded(node);
            addEmptyNonTerminals(node);
        }
        node.seal();
        return node;
    }

    private boolean hasError() {
        for (ZoneProblem p : problems) {
            if (p.isError()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The node of the lowercased name at {@code name[off..]}: the builder's own, else (for a
     * patch) the base zone's, with its RRsets' types and whether it is a zone cut; null when
     * neither has it.
     */
    private Node known(byte[] name, int off) {
        Node own = owners.find(name, off);
        if (own != null || base == null) {
            return own;
        }
        int length = WireNames.length(name, off);
        long node = base.node(name, off, length);
        if (node == CompiledZone.NONE) {
            return null;
        }
        return baseNodes.computeIfAbsent(WireNames.toString(name, off), k -> {
            byte[] key = Arrays.copyOfRange(name, off, off + length);
            Node mirror = new Node(key, key);
            if (base.isZoneCut(node)) {
                mirror.markZoneCut();
            }
            long rrset = base.firstRRset(node);
            for (int i = base.rrsetCount(node); i > 0; i--, rrset = base.nextRRset(rrset)) {
                mirror.add(new RRset(base.type(rrset), base.covered(rrset), base.ttl(rrset), file, 0));
            }
            return mirror;
        });
    }

    private void checkApex(Node apex) {
        RRset soa = apex == null ? null : apex.rrset(Type.SOA);
        if (soa == null) {
            problems.add(zoneError("no SOA record at the zone apex " + origin));
        } else if (soa.size() > 1) {
            problems.add(error(soa, soa.secondLine(), "more than one SOA record at the zone apex (RFC 1035 §5.2)"));
        }
        if (apex == null || apex.rrset(Type.NS) == null) {
            problems.add(zoneError("no NS records at the zone apex " + origin + " (RFC 1034 §4.2.1)"));
        }
        RRset nsec3param = apex == null ? null : apex.rrset(Type.NSEC3PARAM);
        if (nsec3param != null) {
            checkNsec3Parameters(nsec3param);
        }
    }

    /**
     * RFC 9276 §3.1: NSEC3 with no extra iterations and no salt. Every NXDOMAIN answered to DO
     * hashes its next closer name once per iteration, so a large count makes such queries cost the
     * server many hashes each.
     */
    private void checkNsec3Parameters(RRset nsec3param) {
        Nsec3Hash.Parameters parameters = Nsec3Hash.Parameters.of(nsec3param.rdata(0));
        if (parameters != null && (parameters.iterations() > 0 || parameters.salt().length > 0)) {
            problems.add(warning(nsec3param.file(), nsec3param.firstLine(), "NSEC3PARAM with "
                    + parameters.iterations() + " extra iterations and a salt of " + parameters.salt().length
                    + " octets: RFC 9276 §3.1 asks for 0 and none (each NXDOMAIN answered to DO hashes a name "
                    + (parameters.iterations() + 1) + " times)"));
        }
    }

    private void checkNode(Node node) {
        RRset cname = node.rrset(Type.CNAME);
        if (cname != null) {
            if (cname.size() > 1) {
                problems.add(error(cname, cname.secondLine(), "more than one CNAME record at " + node
                        + " (RFC 2181 §10.1)"));
            }
            for (RRset rrset : node.rrsets()) {
                int t = rrset.type();
                // RFC 4035 §2.5: DNSSEC records are the only data allowed beside a CNAME.
                if (t != Type.CNAME && t != Type.RRSIG && t != Type.NSEC) {
                    problems.add(error(cname, cname.firstLine(), "CNAME at " + node + " beside other data ("
                            + Type.string(t) + "), RFC 1034 §3.6.2"));
                    break;
                }
            }
        }
        RRset dname = node.rrset(Type.DNAME);
        if (dname != null && dname.size() > 1) {
            problems.add(error(dname, dname.secondLine(), "more than one DNAME record at " + node
                    + " (RFC 6672 §2.4)"));
        }
    }

    /**
     * An NS target inside this zone needs an address here: below a zone cut it is glue, without
     * which the delegation cannot be followed (RFC 1034 §4.2.1); elsewhere it is a lame name server.
     */
    private void checkNameServerAddresses(Node node) {
        RRset ns = node.rrset(Type.NS);
        if (ns == null) {
            return;
        }
        for (int i = 0; i < ns.size(); i++) {
            byte[] target = NameTable.key(ns.rdata(i));
            int extra = WireNames.labelCount(target, 0) - apexLabels;
            if (extra < 0 || !isApexAt(target, suffix(target, 0, extra))) {
                continue;
            }
            Node at = known(target, 0);
            if (at == null || (at.rrset(Type.A) == null && at.rrset(Type.AAAA) == null)) {
                String what = underCut(target, extra) ? "missing glue: " : "no address for ";
                problems.add(warning(ns.file(), ns.firstLine(), what + "NS target "
                        + WireNames.toString(target, 0) + " of " + node + " has no A or AAAA record in the zone"));
            }
        }
    }

    /**
     * Data that no query can reach: below a DNAME (RFC 6672 §2.4), or below a zone cut other than
     * the glue addresses a referral carries (RFC 1034 §4.2.1). Never served, so reported.
     */
    private void checkOccluded(Node node) {
        byte[] key = node.key();
        int off = 0;
        for (int labels = WireNames.labelCount(key, 0); labels > apexLabels + 1; labels--) {
            off = suffix(key, off, 1);
            Node ancestor = known(key, off);
            if (ancestor == null) {
                continue;
            }
            boolean belowDname = ancestor.rrset(Type.DNAME) != null;
            if (belowDname || ancestor.isZoneCut()) {
                for (RRset rrset : node.rrsets()) {
                    if (belowDname || (rrset.type() != Type.A && rrset.type() != Type.AAAA)) {
                        String where = belowDname ? "below the DNAME at " + ancestor + " (RFC 6672 §2.4)"
                                : "below the zone cut at " + ancestor + " (RFC 1034 §4.2.1)";
                        problems.add(warning(rrset.file(), rrset.firstLine(), Type.string(rrset.type())
                                + " at " + node + " is " + where + " and is never served"));
                    }
                }
                return;
            }
        }
    }

    /** Whether a name {@code extra} labels below the apex has a zone cut at or above it, below the apex. */
    private boolean underCut(byte[] name, int extra) {
        int off = 0;
        for (int i = 0; i < extra; i++) {
            Node n = known(name, off);
            if (n != null && n.isZoneCut()) {
                return true;
            }
            off = suffix(name, off, 1);
        }
        return false;
    }

    private boolean isApexAt(byte[] name, int off) {
        return Arrays.equals(apexKey, 0, apexKey.length, name, off, name.length);
    }

    /** Offset of the name {@code up} labels above the one at {@code off}. */
    private static int suffix(byte[] name, int off, int up) {
        for (int i = 0; i < up; i++) {
            off += (name[off] & 0xff) + 1;
        }
        return off;
    }

    /**
     * Adds every missing ancestor between a name and the apex: it exists as a node, an empty
     * non-terminal when it owns nothing (RFC 4592 §2.2.2, RFC 8020).
     */
    private void addEmptyNonTerminals(Node node) {
        byte[] key = node.key();
        int off = 0;
        for (int labels = WireNames.labelCount(key, 0); labels > apexLabels + 1; labels--) {
            off = suffix(key, off, 1);
            if (known(key, off) != null) {
                return;
            }
            owners.intern(key, off);
        }
    }

    private ZoneProblem zoneError(String message) {
        return new ZoneProblem(ZoneProblem.Severity.ERROR, file, 0, message);
    }

    private static ZoneProblem error(RRset rrset, int line, String message) {
        return new ZoneProblem(ZoneProblem.Severity.ERROR, rrset.file(), line, message);
    }

    private static ZoneProblem warning(String file, int line, String message) {
        return new ZoneProblem(ZoneProblem.Severity.WARNING, file, line, message);
    }
}
