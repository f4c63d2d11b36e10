package io.hpdns.zone;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Takes a master file's records one at a time as they are parsed, groups them into RRsets per
 * owner, checks the zone rules, and builds the {@link Zone}. Records are reduced to wire bytes on
 * arrival, so the parser's objects never pile up for a large zone.
 */
final class ZoneBuilder implements MasterFileReader.RecordSink {
    private final Name origin;
    private final String file;
    private final List<ZoneProblem> problems;
    private final OwnerKey apexKey;
    /** Keyed by the lowercased name: owner names compare case-insensitively (RFC 4343). */
    private final Map<OwnerKey, Owner> owners = new HashMap<>();
    /** Every file records came from ($INCLUDE), each once, in the order first read. */
    private final Set<String> files = new LinkedHashSet<>();
    private String lastFile;

    /** One owner name and its RRsets, in order of first appearance. */
    private static final class Owner {
        final OwnerKey key;
        /** The name as first written in the zone file, with its letter case (RFC 4343 §4.1). */
        final byte[] wire;
        PendingRRset[] rrsets = new PendingRRset[1];
        int count;

        Owner(OwnerKey key, byte[] wire) {
            this.key = key;
            this.wire = wire;
        }

        PendingRRset find(int type) {
            for (int i = 0; i < count; i++) {
                if (rrsets[i].type == type) {
                    return rrsets[i];
                }
            }
            return null;
        }

        PendingRRset add(PendingRRset rrset) {
            if (count == rrsets.length) {
                rrsets = Arrays.copyOf(rrsets, count * 2);
            }
            rrsets[count++] = rrset;
            return rrset;
        }
    }

    ZoneBuilder(Name origin, String file, List<ZoneProblem> problems) {
        this.origin = origin;
        this.file = file;
        this.problems = problems;
        this.apexKey = new OwnerKey(NameTable.key(origin.toWire()), 0);
    }

    @Override
    public void accept(Record rec, String recFile, int line) {
        // Records come in runs from one file: note the file only when it changes.
        if (!recFile.equals(lastFile)) {
            lastFile = recFile;
            files.add(recFile);
        }
        if (rec.getDClass() != DClass.IN) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, recFile, line,
                    "class " + DClass.string(rec.getDClass()) + " is not supported, only IN"));
            return;
        }
        Name name = rec.getName();
        if (!name.subdomain(origin)) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, recFile, line,
                    "owner " + name + " is outside the zone " + origin));
            return;
        }
        if (rec.getType() == Type.SOA && !name.equals(origin)) {
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, recFile, line,
                    "SOA record at " + name + ", not at the zone apex " + origin));
            return;
        }
        byte[] wire = name.toWire();
        byte[] lower = NameTable.key(wire);
        OwnerKey key = new OwnerKey(lower, 0);
        Owner owner = owners.get(key);
        if (owner == null) {
            owner = new Owner(key, Arrays.equals(wire, lower) ? lower : wire);
            owners.put(key, owner);
        }
        PendingRRset rrset = owner.find(rec.getType());
        if (rrset == null) {
            rrset = owner.add(new PendingRRset(rec.getType(), rec.getTTL(), recFile, line));
        }
        rrset.add(rec, recFile, line, problems);
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

    /** Returns the zone, or null when an error was added to the problems. */
    Zone build() {
        checkApex();
        Set<OwnerKey> cuts = new HashSet<>();
        for (Owner owner : owners.values()) {
            checkNode(owner);
            // Owners of NS RRsets below the apex are the delegation points (RFC 1034 §4.2.1).
            if (owner.count > 0 && owner.find(Type.NS) != null && !owner.key.equals(apexKey)) {
                cuts.add(owner.key);
            }
        }
        for (Owner owner : owners.values()) {
            checkNameServerAddresses(owner, cuts);
            checkOccluded(owner, cuts);
        }
        for (ZoneProblem p : problems) {
            if (p.isError()) {
                return null;
            }
        }
        return assemble(cuts);
    }

    private void checkApex() {
        Owner apex = owners.get(apexKey);
        PendingRRset soa = apex == null ? null : apex.find(Type.SOA);
        if (soa == null) {
            problems.add(zoneError("no SOA record at the zone apex " + origin));
        } else if (soa.size() > 1) {
            problems.add(soa.error(soa.secondLine, "more than one SOA record at the zone apex (RFC 1035 §5.2)"));
        }
        if (apex == null || apex.find(Type.NS) == null) {
            problems.add(zoneError("no NS records at the zone apex " + origin + " (RFC 1034 §4.2.1)"));
        }
    }

    private void checkNode(Owner owner) {
        PendingRRset cname = owner.find(Type.CNAME);
        if (cname != null) {
            if (cname.size() > 1) {
                problems.add(cname.error(cname.secondLine, "more than one CNAME record at " + owner.key + " (RFC 2181 §10.1)"));
            }
            for (int i = 0; i < owner.count; i++) {
                int t = owner.rrsets[i].type;
                // RFC 4035 §2.5: DNSSEC records are the only data allowed beside a CNAME.
                if (t != Type.CNAME && t != Type.RRSIG && t != Type.NSEC) {
                    problems.add(cname.error(cname.firstLine, "CNAME at " + owner.key + " beside other data ("
                            + Type.string(t) + "), RFC 1034 §3.6.2"));
                    break;
                }
            }
        }
        PendingRRset dname = owner.find(Type.DNAME);
        if (dname != null && dname.size() > 1) {
            problems.add(dname.error(dname.secondLine, "more than one DNAME record at " + owner.key + " (RFC 6672 §2.4)"));
        }
    }

    /**
     * An NS target inside this zone needs an address here: below a zone cut it is glue, without
     * which the delegation cannot be followed (RFC 1034 §4.2.1); elsewhere it is a lame name server.
     */
    private void checkNameServerAddresses(Owner owner, Set<OwnerKey> cuts) {
        PendingRRset ns = owner.find(Type.NS);
        if (ns == null) {
            return;
        }
        for (int i = 0; i < ns.size(); i++) {
            byte[] target = ns.rdata(i);
            OwnerKey targetKey = new OwnerKey(NameTable.key(target), 0);
            if (!isAtOrBelow(targetKey, apexKey)) {
                continue;
            }
            Owner at = owners.get(targetKey);
            if (at == null || (at.find(Type.A) == null && at.find(Type.AAAA) == null)) {
                String what = underCut(targetKey, cuts) ? "missing glue: " : "no address for ";
                problems.add(PendingRRset.warning(ns.file, ns.firstLine, what + "NS target " + targetKey + " of "
                        + owner.key + " has no A or AAAA record in the zone"));
            }
        }
    }

    private static boolean isAtOrBelow(OwnerKey name, OwnerKey ancestor) {
        int extra = name.labels() - ancestor.labels();
        OwnerKey k = name;
        for (int i = 0; i < extra; i++) {
            k = k.parent();
        }
        return extra >= 0 && k.equals(ancestor);
    }

    /**
     * Data that no query can reach: below a DNAME (RFC 6672 §2.4), or below a zone cut other than
     * the glue addresses a referral carries (RFC 1034 §4.2.1). Never served, so reported.
     */
    private void checkOccluded(Owner owner, Set<OwnerKey> cuts) {
        for (OwnerKey n = owner.key; n.labels() > apexKey.labels() + 1; ) {
            n = n.parent();
            Owner ancestor = owners.get(n);
            if (ancestor == null) {
                continue;
            }
            boolean belowDname = ancestor.find(Type.DNAME) != null;
            if (belowDname || cuts.contains(n)) {
                for (int i = 0; i < owner.count; i++) {
                    PendingRRset rrset = owner.rrsets[i];
                    if (belowDname || (rrset.type != Type.A && rrset.type != Type.AAAA)) {
                        String where = belowDname ? "below the DNAME at " + n + " (RFC 6672 §2.4)"
                                : "below the zone cut at " + n + " (RFC 1034 §4.2.1)";
                        problems.add(PendingRRset.warning(rrset.file, rrset.firstLine, Type.string(rrset.type)
                                + " at " + owner.key + " is " + where + " and is never served"));
                    }
                }
                return;
            }
        }
    }

    private boolean underCut(OwnerKey name, Set<OwnerKey> cuts) {
        for (OwnerKey n = name; n.labels() > apexKey.labels(); n = n.parent()) {
            if (cuts.contains(n)) {
                return true;
            }
        }
        return false;
    }

    private Zone assemble(Set<OwnerKey> cuts) {
        // Every ancestor between an owner and the apex exists as a node: an empty non-terminal
        // when it owns nothing (RFC 4592 §2.2.2, RFC 8020).
        int apexLabels = apexKey.labels();
        Set<OwnerKey> emptyNonTerminals = new HashSet<>();
        for (Owner owner : owners.values()) {
            for (OwnerKey n = owner.key; n.labels() > apexLabels + 1; ) {
                n = n.parent();
                if (owners.containsKey(n) || !emptyNonTerminals.add(n)) {
                    break;
                }
            }
        }
        int count = owners.size() + emptyNonTerminals.size();
        byte[][] keys = new byte[count][];
        Object[] nodes = new Object[count];
        int i = 0;
        int recordCount = 0;
        Node apex = null;
        for (Owner owner : owners.values()) {
            RRset[] rrsets = new RRset[owner.count];
            for (int j = 0; j < owner.count; j++) {
                rrsets[j] = owner.rrsets[j].build();
                recordCount += rrsets[j].size();
            }
            Arrays.sort(rrsets, (a, b) -> Integer.compare(a.type(), b.type()));
            Node node = new Node(owner.wire, owner.key.name, rrsets, cuts.contains(owner.key));
            keys[i] = owner.key.name;
            nodes[i++] = node;
            if (owner.key.equals(apexKey)) {
                apex = node;
            }
        }
        for (OwnerKey ent : emptyNonTerminals) {
            byte[] key = ent.bytes();
            keys[i] = key;
            nodes[i++] = new Node(key, key, null, false);
        }
        return new Zone(origin, new NameTable<>(keys, nodes, i), apex, recordCount);
    }

    private ZoneProblem zoneError(String message) {
        return new ZoneProblem(ZoneProblem.Severity.ERROR, file, 0, message);
    }
}
