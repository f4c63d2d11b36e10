package io.hpdns.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Groups a master file's records into RRsets and nodes, checks the zone rules, and builds the {@link Zone}. */
final class ZoneBuilder {
    private final Name origin;
    private final String file;
    private final List<ZoneProblem> problems;
    /** Owner → type → RRset being collected, in file order of first appearance. */
    private final Map<Name, Map<Integer, PendingRRset>> owners = new LinkedHashMap<>();

    ZoneBuilder(Name origin, String file, List<ZoneProblem> problems) {
        this.origin = origin;
        this.file = file;
        this.problems = problems;
    }

    /** Returns the zone, or null when an error was added to the problems. */
    Zone build(List<SourcedRecord> records) {
        for (SourcedRecord r : records) {
            add(r);
        }
        checkApex();
        Set<Name> cuts = zoneCuts();
        for (Map.Entry<Name, Map<Integer, PendingRRset>> e : owners.entrySet()) {
            checkNode(e.getKey(), e.getValue());
        }
        checkNameServerAddresses(cuts);
        checkOccluded(cuts);
        for (ZoneProblem p : problems) {
            if (p.isError()) {
                return null;
            }
        }
        return assemble(cuts);
    }

    private void add(SourcedRecord sourced) {
        Record rec = sourced.record();
        if (rec.getDClass() != DClass.IN) {
            problems.add(sourced.error("class " + DClass.string(rec.getDClass()) + " is not supported, only IN"));
            return;
        }
        if (!rec.getName().subdomain(origin)) {
            problems.add(sourced.error("owner " + rec.getName() + " is outside the zone " + origin));
            return;
        }
        if (rec.getType() == Type.SOA && !rec.getName().equals(origin)) {
            problems.add(sourced.error("SOA record at " + rec.getName() + ", not at the zone apex " + origin));
            return;
        }
        owners.computeIfAbsent(rec.getName(), n -> new LinkedHashMap<>())
                .computeIfAbsent(rec.getType(), t -> new PendingRRset(sourced))
                .add(sourced, problems);
    }

    private void checkApex() {
        Map<Integer, PendingRRset> apex = owners.get(origin);
        PendingRRset soa = apex == null ? null : apex.get(Type.SOA);
        if (soa == null) {
            problems.add(zoneError("no SOA record at the zone apex " + origin));
        } else if (soa.records.size() > 1) {
            problems.add(soa.records.get(1).error("more than one SOA record at the zone apex (RFC 1035 §5.2)"));
        }
        if (apex == null || !apex.containsKey(Type.NS)) {
            problems.add(zoneError("no NS records at the zone apex " + origin + " (RFC 1034 §4.2.1)"));
        }
    }

    private void checkNode(Name owner, Map<Integer, PendingRRset> rrsets) {
        PendingRRset cname = rrsets.get(Type.CNAME);
        if (cname != null) {
            if (cname.records.size() > 1) {
                problems.add(cname.records.get(1).error("more than one CNAME record at " + owner + " (RFC 2181 §10.1)"));
            }
            for (PendingRRset other : rrsets.values()) {
                int t = other.type;
                // RFC 4035 §2.5: DNSSEC records are the only data allowed beside a CNAME.
                if (t != Type.CNAME && t != Type.RRSIG && t != Type.NSEC) {
                    problems.add(cname.first.error("CNAME at " + owner + " beside other data ("
                            + Type.string(t) + "), RFC 1034 §3.6.2"));
                    break;
                }
            }
        }
        PendingRRset dname = rrsets.get(Type.DNAME);
        if (dname != null && dname.records.size() > 1) {
            problems.add(dname.records.get(1).error("more than one DNAME record at " + owner + " (RFC 6672 §2.4)"));
        }
    }

    /** Owners of NS RRsets below the apex: the delegation points (RFC 1034 §4.2.1). */
    private Set<Name> zoneCuts() {
        Set<Name> cuts = new HashSet<>();
        for (Map.Entry<Name, Map<Integer, PendingRRset>> e : owners.entrySet()) {
            if (!e.getKey().equals(origin) && e.getValue().containsKey(Type.NS)) {
                cuts.add(e.getKey());
            }
        }
        return cuts;
    }

    /**
     * An NS target inside this zone needs an address here: below a zone cut it is glue, without
     * which the delegation cannot be followed (RFC 1034 §4.2.1); elsewhere it is a lame name server.
     */
    private void checkNameServerAddresses(Set<Name> cuts) {
        for (Map.Entry<Name, Map<Integer, PendingRRset>> e : owners.entrySet()) {
            PendingRRset ns = e.getValue().get(Type.NS);
            if (ns == null) {
                continue;
            }
            for (SourcedRecord r : ns.records) {
                Name target = r.record().getAdditionalName();
                if (target == null || !target.subdomain(origin)) {
                    continue;
                }
                Map<Integer, PendingRRset> at = owners.get(target);
                boolean hasAddress = at != null && (at.containsKey(Type.A) || at.containsKey(Type.AAAA));
                if (!hasAddress) {
                    String what = underCut(target, cuts) ? "missing glue: " : "no address for ";
                    problems.add(r.warning(what + "NS target " + target + " of " + e.getKey() + " has no A or AAAA record in the zone"));
                }
            }
        }
    }

    /**
     * Data that no query can reach: below a DNAME (RFC 6672 §2.4), or below a zone cut other than
     * the glue addresses a referral carries (RFC 1034 §4.2.1). Served never, so reported.
     */
    private void checkOccluded(Set<Name> cuts) {
        for (Map.Entry<Name, Map<Integer, PendingRRset>> e : owners.entrySet()) {
            for (Name n = e.getKey(); n.labels() > origin.labels() + 1; ) {
                n = new Name(n, 1);
                Map<Integer, PendingRRset> ancestor = owners.get(n);
                if (ancestor == null) {
                    continue;
                }
                if (ancestor.containsKey(Type.DNAME)) {
                    warnOccluded(e.getValue(), "below the DNAME at " + n + " (RFC 6672 §2.4)");
                    break;
                }
                if (cuts.contains(n)) {
                    for (PendingRRset rrset : e.getValue().values()) {
                        if (rrset.type != Type.A && rrset.type != Type.AAAA) {
                            problems.add(rrset.first.warning(Type.string(rrset.type) + " at " + e.getKey()
                                    + " is below the zone cut at " + n + " and is never served (RFC 1034 §4.2.1)"));
                        }
                    }
                    break;
                }
            }
        }
    }

    private void warnOccluded(Map<Integer, PendingRRset> rrsets, String where) {
        for (PendingRRset rrset : rrsets.values()) {
            problems.add(rrset.first.warning(Type.string(rrset.type) + " at " + rrset.first.record().getName()
                    + " is " + where + " and is never served"));
        }
    }

    private boolean underCut(Name name, Set<Name> cuts) {
        for (Name n = name; n.labels() > origin.labels(); n = new Name(n, 1)) {
            if (cuts.contains(n)) {
                return true;
            }
        }
        return false;
    }

    private Zone assemble(Set<Name> cuts) {
        // Nodes sorted in canonical order (RFC 4034 §6.1); empty non-terminals added for every
        // ancestor between an owner and the apex (RFC 4592 §2.2.2).
        TreeMap<Name, Map<Integer, PendingRRset>> tree = new TreeMap<>(owners);
        for (Name owner : owners.keySet()) {
            for (Name n = owner; n.labels() > origin.labels(); n = new Name(n, 1)) {
                tree.putIfAbsent(new Name(n, 1), Map.of());
            }
        }
        byte[][] keys = new byte[tree.size()][];
        Object[] nodes = new Object[tree.size()];
        int i = 0;
        int recordCount = 0;
        Node apex = null;
        for (Map.Entry<Name, Map<Integer, PendingRRset>> e : tree.entrySet()) {
            RRset[] rrsets = new RRset[e.getValue().size()];
            int j = 0;
            for (PendingRRset p : e.getValue().values()) {
                rrsets[j++] = p.toRRset();
                recordCount += p.records.size();
            }
            Arrays.sort(rrsets, (a, b) -> Integer.compare(a.type(), b.type()));
            byte[] owner = ownerWire(e.getKey(), e.getValue());
            Node node = new Node(owner, rrsets, cuts.contains(e.getKey()));
            keys[i] = NameTable.key(owner);
            nodes[i] = node;
            if (e.getKey().equals(origin)) {
                apex = node;
            }
            i++;
        }
        return new Zone(origin, new NameTable<>(keys, nodes, i), apex, recordCount);
    }

    /** The owner as first written in the zone file, keeping its letter case (RFC 4343 §4.1). */
    private static byte[] ownerWire(Name name, Map<Integer, PendingRRset> rrsets) {
        for (PendingRRset p : rrsets.values()) {
            return p.first.record().getName().toWire();
        }
        return name.toWire();
    }

    private ZoneProblem zoneError(String message) {
        return new ZoneProblem(ZoneProblem.Severity.ERROR, file, 0, message);
    }

    /** The records of one RRset as collected: duplicates collapsed, TTLs normalised. */
    private static final class PendingRRset {
        final int type;
        final SourcedRecord first;
        final long ttl;
        final List<SourcedRecord> records = new ArrayList<>();
        final Set<Record> seen = new HashSet<>();

        PendingRRset(SourcedRecord first) {
            this.first = first;
            this.type = first.record().getType();
            this.ttl = first.record().getTTL();
        }

        void add(SourcedRecord r, List<ZoneProblem> problems) {
            // Record equality is owner, type, class and rdata in canonical form, TTL excluded.
            if (!seen.add(r.record())) {
                problems.add(r.warning("duplicate record ignored: " + r.record()));
                return;
            }
            // RFC 4034 §3: RRSIGs at one name cover RRsets of different TTLs, so theirs may differ.
            if (r.record().getTTL() != ttl && type != Type.RRSIG) {
                problems.add(r.warning("TTL " + r.record().getTTL() + " differs from the TTL " + ttl + " of the "
                        + Type.string(type) + " RRset at " + r.record().getName() + "; using " + ttl + " (RFC 2181 §5.2)"));
            }
            records.add(r);
        }

        RRset toRRset() {
            byte[][] rdata = new byte[records.size()][];
            for (int i = 0; i < rdata.length; i++) {
                rdata[i] = rdataWire(records.get(i).record());
            }
            return new RRset(type, ttl, rdata);
        }

        /** Uncompressed rdata with the zone file's letter case (rdataToWireCanonical would lowercase names). */
        private static byte[] rdataWire(Record rec) {
            byte[] rr = rec.toWire(Section.ANSWER);
            int start = rec.getName().length() + 10;
            return Arrays.copyOfRange(rr, start, rr.length);
        }
    }
}
