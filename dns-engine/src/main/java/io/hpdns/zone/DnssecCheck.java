package io.hpdns.zone;

import io.hpdns.wire.DnsConstants;
import io.hpdns.wire.WireNames;
import io.hpdns.zonefile.ScannedRecord;
import io.hpdns.zonefile.ZoneFileScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * The DNSSEC check of a signed zone ({@code hpdns check-zone --dnssec}, like {@code kzonecheck -d
 * on}): what a validating resolver would find wrong with what the zone serves. Every RRSIG must
 * have a DNSKEY at the apex with its key tag and algorithm, verify over its RRset, be valid now
 * and not expire within the window; every authoritative RRset must be signed; the NSEC chain must
 * link every authoritative name in canonical order with the types it has (RFC 4034 §4.1, §6.1),
 * and the NSEC3 chain every hash of them in order, each with its name's types, a delegation
 * without DS or an empty non-terminal above only such left out under opt-out (RFC 5155 §7.1).
 * Each finding names the record's {@code file:line}. Cold path: a command run by an operator.
 */
public final class DnssecCheck {
    private final Zone zone;
    private final Instant now;
    private final Duration window;
    private final List<ZoneProblem> problems = new ArrayList<>();
    /** Where each RRset was first written: owner key, type (RRSIG: and type covered). */
    private final Map<String, Location> first = new HashMap<>();
    private final List<Signature> signatures = new ArrayList<>();
    private final List<DNSKEYRecord> keys = new ArrayList<>();

    private record Location(String file, int line) {}

    private record Signature(RRSIGRecord rrsig, Location at) {}

    private DnssecCheck(Zone zone, Instant now, Duration window) {
        this.zone = zone;
        this.now = now;
        this.window = window;
    }

    /**
     * Checks the loaded {@code zone} against its master file, read again for the location of each
     * record.
     *
     * @param now the time the signatures must be valid at
     * @param window how long before they expire a warning is given
     */
    public static List<ZoneProblem> check(Zone zone, Path file, Instant now, Duration window) {
        DnssecCheck check = new DnssecCheck(zone, now, window);
        check.locate(file);
        check.keys();
        if (check.keys.isEmpty()) {
            check.error(check.first.get(key(zone.apex().key(), Type.SOA)), "no DNSKEY at the apex: the zone is not signed");
            return check.problems;
        }
        check.signatures();
        check.unsignedRRsets();
        if (zone.apex().rrset(DnsConstants.TYPE_NSEC3PARAM) != null) {
            check.nsec3Chain();
        } else if (zone.apex().rrset(DnsConstants.TYPE_NSEC) != null) {
            check.nsecChain();
        }
        return check.problems;
    }

    /** Reads the file again for where each RRset and each RRSIG is written. */
    private void locate(Path file) {
        ZoneFileScanner.scan(file, zone.origin(), new ZoneFileScanner.Sink() {
            @Override
            public void record(ScannedRecord record) {
                byte[] owner = NameTable.key(Arrays.copyOf(record.owner(), WireNames.length(record.owner(), 0)));
                Location at = new Location(record.file(), record.line());
                int type = record.type();
                int covered = type == Type.RRSIG ? RRset.coveredBy(record.data(), 0) : 0;
                first.putIfAbsent(key(owner, type, covered), at);
                if (type == Type.RRSIG) {
                    Record rrsig = DnssecCheck.record(owner, type, record.ttl(),
                            Arrays.copyOfRange(record.data(), 2, record.rdataEnd()));
                    if (rrsig instanceof RRSIGRecord r) {
                        signatures.add(new Signature(r, at));
                    }
                }
            }

            @Override
            public void problem(String problemFile, int line, String message) {
                // The load reported it already.
            }
        });
    }

    private void keys() {
        RRset dnskeys = zone.apex().rrset(Type.DNSKEY);
        if (dnskeys != null) {
            for (Record r : records(zone.apex(), dnskeys)) {
                if (r instanceof DNSKEYRecord key) {
                    keys.add(key);
                }
            }
        }
    }

    /**
     * RFC 4035 §5.3: each signature's key, validity period and cryptographic check; verifying is
     * most of the check's time, so the signatures are checked side by side, their findings kept in
     * the file's order.
     */
    private void signatures() {
        problems.addAll(signatures.parallelStream().flatMap(s -> check(s).stream()).toList());
    }

    private List<ZoneProblem> check(Signature s) {
        RRSIGRecord rrsig = s.rrsig();
        String what = "RRSIG " + Type.string(rrsig.getTypeCovered()) + " of " + rrsig.getName();
        Node node = zone.node(NameTable.key(rrsig.getName().canonicalize().toWire()), 0,
                rrsig.getName().toWire().length);
        RRset covered = node == null ? null : node.rrset(rrsig.getTypeCovered());
        if (covered == null) {
            return List.of(problem(ZoneProblem.Severity.ERROR, s.at(), what + ": the name has no such RRset"));
        }
        if (!rrsig.getSigner().equals(zone.origin())) {
            return List.of(problem(ZoneProblem.Severity.ERROR, s.at(), what + ": signed by " + rrsig.getSigner()
                    + ", not by the zone " + zone.origin()));
        }
        DNSKEYRecord key = keys.stream().filter(k -> k.getFootprint() == rrsig.getFootprint()
                && k.getAlgorithm() == rrsig.getAlgorithm()).findFirst().orElse(null);
        if (key == null) {
            return List.of(problem(ZoneProblem.Severity.ERROR, s.at(), what + ": no DNSKEY with key tag "
                    + rrsig.getFootprint() + " and algorithm " + rrsig.getAlgorithm() + " at the apex"));
        }
        List<ZoneProblem> found = new ArrayList<>(1);
        if (rrsig.getTimeSigned().isAfter(now)) {
            found.add(problem(ZoneProblem.Severity.ERROR, s.at(), what + ": not valid before " + rrsig.getTimeSigned()));
        } else if (!rrsig.getExpire().isAfter(now)) {
            found.add(problem(ZoneProblem.Severity.ERROR, s.at(), what + ": expired on " + rrsig.getExpire()));
        } else if (rrsig.getExpire().isBefore(now.plus(window))) {
            found.add(problem(ZoneProblem.Severity.WARNING, s.at(), what + ": expires on " + rrsig.getExpire()
                    + ", within " + window.toDays() + " days"));
        }
        org.xbill.DNS.RRset rrset = new org.xbill.DNS.RRset();
        records(node, covered).forEach(rrset::addRR);
        try {
            // At a time it is valid, so that a bad signature and a bad time are told apart.
            DNSSEC.verify(rrset, rrsig, key, rrsig.getTimeSigned());
        } catch (DNSSEC.DNSSECException e) {
            found.add(problem(ZoneProblem.Severity.ERROR, s.at(), what + " does not verify with key tag "
                    + rrsig.getFootprint() + ": " + e.getMessage()));
        }
        return found;
    }

    /** RFC 4035 §2.2: every authoritative RRset is signed; a zone cut's NS and glue are not authoritative. */
    private void unsignedRRsets() {
        for (Node node : zone.nodes()) {
            if (belowCut(node)) {
                continue;
            }
            for (RRset rrset : node.rrsets()) {
                int type = rrset.type();
                if (type == Type.RRSIG || node.isZoneCut() && type != Type.DS && type != Type.NSEC) {
                    continue;
                }
                if (signed(node, type) == null) {
                    error(first.get(key(node.key(), type)), Type.string(type) + " of " + WireNames.toString(node.owner(), 0)
                            + " has no RRSIG");
                }
            }
        }
    }

    /**
     * RFC 4034 §4.1: the NSECs link the zone's authoritative names (cuts included, empty
     * non-terminals and glue not) in canonical order, the last back to the apex, each listing the
     * types of its name.
     */
    private void nsecChain() {
        TreeSet<byte[]> order = new TreeSet<>(Comparator.comparing((byte[] k) -> CanonicalOrder.sortKey(k, 0),
                Arrays::compareUnsigned));
        Map<String, Node> byKey = new HashMap<>();
        for (Node node : zone.nodes()) {
            if (!node.isEmptyNonTerminal() && !belowCut(node)) {
                order.add(node.key());
                byKey.put(WireNames.toString(node.key(), 0), node);
            }
        }
        List<byte[]> names = new ArrayList<>(order);
        for (int i = 0; i < names.size(); i++) {
            Node node = byKey.get(WireNames.toString(names.get(i), 0));
            byte[] next = names.get((i + 1) % names.size());
            RRset nsec = node.rrset(Type.NSEC);
            String owner = WireNames.toString(node.owner(), 0);
            if (nsec == null) {
                error(first.get(key(node.key(), node.rrsets()[0].type())), owner + " has no NSEC: the chain skips it");
                continue;
            }
            Location at = first.get(key(node.key(), Type.NSEC));
            NSECRecord record = (NSECRecord) records(node, nsec).getFirst();
            if (!Arrays.equals(NameTable.key(record.getNext().toWire()), next)) {
                error(at, "NSEC of " + owner + " names " + record.getNext() + " next, not "
                        + WireNames.toString(next, 0) + " (RFC 4034 §4.1.1)");
            }
            String mismatch = bitmapMismatch(node, record.getTypes());
            if (mismatch != null) {
                error(at, "NSEC of " + owner + " lists " + mismatch + " (RFC 4034 §4.1.2)");
            }
        }
    }

    /**
     * RFC 5155 §7.1: an NSEC3 of the NSEC3PARAM's parameters for the hash of every authoritative
     * name (empty non-terminals included), listing its types; linked in the order of the hashes,
     * the last to the first; none for a name the zone does not have. A delegation without DS, and
     * an empty non-terminal, may be left out when the NSEC3 covering its hash has opt-out.
     */
    private void nsec3Chain() {
        RRset param = zone.apex().rrset(DnsConstants.TYPE_NSEC3PARAM);
        Location paramAt = first.get(key(zone.apex().key(), DnsConstants.TYPE_NSEC3PARAM));
        if (!(records(zone.apex(), param).getFirst() instanceof NSEC3PARAMRecord parameters)
                || parameters.getHashAlgorithm() != NSEC3Record.SHA1_DIGEST_ID) {
            error(paramAt, "NSEC3PARAM of an unknown hash algorithm: no NSEC3 chain a validator could use");
            return;
        }
        // The chain: NSEC3 of these parameters, by hash.
        TreeMap<String, NSEC3Record> chain = new TreeMap<>();
        Map<String, Node> owners = new HashMap<>();
        for (Node node : zone.nodes()) {
            RRset nsec3 = node.rrset(DnsConstants.TYPE_NSEC3);
            if (nsec3 == null) {
                continue;
            }
            for (Record r : records(node, nsec3)) {
                if (r instanceof NSEC3Record record && record.getIterations() == parameters.getIterations()
                        && Arrays.equals(record.getSalt(), parameters.getSalt())) {
                    String hash = node.owner()[0] == Nsec3Hash.LABEL - 1
                            ? new String(NameTable.key(node.owner()), 1, Nsec3Hash.LABEL - 1, StandardCharsets.US_ASCII) : "";
                    chain.put(hash, record);
                    owners.put(hash, node);
                }
            }
        }
        if (chain.isEmpty()) {
            error(paramAt, "NSEC3PARAM but no NSEC3 of its parameters: no denial a validator could use");
            return;
        }
        base32 hex = new base32(base32.Alphabet.BASE32HEX, false, false);
        List<String> hashes = new ArrayList<>(chain.keySet());
        for (int i = 0; i < hashes.size(); i++) {
            NSEC3Record record = chain.get(hashes.get(i));
            String next = hashes.get((i + 1) % hashes.size());
            String named = hex.toString(record.getNext()).toLowerCase(java.util.Locale.ROOT);
            if (!named.equals(next)) {
                error(first.get(key(owners.get(hashes.get(i)).key(), DnsConstants.TYPE_NSEC3)), "NSEC3 of "
                        + record.getName() + " names " + named + " next, not " + next + " (RFC 5155 §3.1.7)");
            }
        }
        Set<Node> hashedOwners = Collections.newSetFromMap(new IdentityHashMap<>());
        hashedOwners.addAll(owners.values());
        Set<String> seen = new HashSet<>();
        for (Node node : zone.nodes()) {
            if (belowCut(node) || hashedOwners.contains(node)) {
                continue;
            }
            String hash;
            try {
                hash = hex.toString(parameters.hashName(new Name(node.owner()))).toLowerCase(java.util.Locale.ROOT);
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                continue;
            }
            seen.add(hash);
            NSEC3Record record = chain.get(hash);
            String name = WireNames.toString(node.owner(), 0);
            boolean optional = node.isEmptyNonTerminal() || node.isZoneCut() && node.rrset(DnsConstants.TYPE_DS) == null;
            if (record == null) {
                NSEC3Record covering = chain.lowerEntry(hash) != null ? chain.lowerEntry(hash).getValue()
                        : chain.lastEntry().getValue();
                if (!optional || (covering.getFlags() & NSEC3Record.Flags.OPT_OUT) == 0) {
                    error(node.isEmptyNonTerminal() ? null : first.get(key(node.key(), node.rrsets()[0].type())),
                            name + " has no NSEC3 (its hash " + hash + "): the chain skips it");
                }
                continue;
            }
            // RFC 5155 §3.2: the bitmap lists the types of the original owner name; RRSIG with them.
            String mismatch = bitmapMismatch(node, record.getTypes());
            if (mismatch != null) {
                error(first.get(key(owners.get(hash).key(), DnsConstants.TYPE_NSEC3)), "NSEC3 of " + name
                        + " lists " + mismatch + " (RFC 5155 §3.2)");
            }
        }
        for (String hash : hashes) {
            if (!seen.contains(hash)) {
                error(first.get(key(owners.get(hash).key(), DnsConstants.TYPE_NSEC3)), "NSEC3 "
                        + chain.get(hash).getName() + " is the hash of no name of the zone");
            }
        }
    }

    /** "TYPES, the name has TYPES" when a bitmap does not list the node's types; else null. */
    private static String bitmapMismatch(Node node, int[] bitmap) {
        TreeSet<Integer> types = new TreeSet<>();
        for (RRset rrset : node.rrsets()) {
            types.add(rrset.type());
        }
        TreeSet<Integer> listed = new TreeSet<>();
        for (int type : bitmap) {
            listed.add(type);
        }
        return types.equals(listed) ? null : typeNames(listed) + ", the name has " + typeNames(types);
    }

    private static String typeNames(TreeSet<Integer> types) {
        return types.stream().map(Type::string).reduce((a, b) -> a + " " + b).orElse("nothing");
    }

    /** Whether a zone cut is above the node: it is glue, or hidden by the cut (RFC 2181 §6). */
    private boolean belowCut(Node node) {
        byte[] key = node.key();
        int extra = WireNames.labelCount(key, 0) - zone.originLabels();
        for (int off = key[0] + 1; --extra > 0; off += key[off] + 1) {
            Node ancestor = zone.node(key, off, key.length - off);
            if (ancestor != null && ancestor.isZoneCut()) {
                return true;
            }
        }
        return false;
    }

    private static RRset signed(Node node, int type) {
        for (RRset rrset : node.rrsets()) {
            if (rrset.type() == Type.RRSIG && rrset.covered() == type) {
                return rrset;
            }
        }
        return null;
    }

    /** The RRset's records as dnsjava's. */
    private static List<Record> records(Node node, RRset rrset) {
        List<Record> records = new ArrayList<>();
        byte[] data = rrset.data();
        for (int p = 0; p < data.length; p += 2 + RRset.rdataLength(data, p)) {
            Record r = record(node.owner(), rrset.type(), rrset.ttl(), Arrays.copyOfRange(data, p + 2,
                    p + 2 + RRset.rdataLength(data, p)));
            if (r != null) {
                records.add(r);
            }
        }
        return records;
    }

    private static Record record(byte[] owner, int type, long ttl, byte[] rdata) {
        try {
            return Record.newRecord(new Name(owner), type, DClass.IN, ttl, rdata);
        } catch (IOException | RuntimeException e) {
            return null; // the load checked every record
        }
    }

    private static String key(byte[] owner, int type) {
        return key(owner, type, 0);
    }

    private static String key(byte[] owner, int type, int covered) {
        return WireNames.toString(owner, 0) + "/" + type + "/" + covered;
    }

    private void error(Location at, String message) {
        problems.add(problem(ZoneProblem.Severity.ERROR, at, message));
    }

    private static ZoneProblem problem(ZoneProblem.Severity severity, Location at, String message) {
        return new ZoneProblem(severity, at == null ? "" : at.file(), at == null ? 0 : at.line(), message);
    }
}
