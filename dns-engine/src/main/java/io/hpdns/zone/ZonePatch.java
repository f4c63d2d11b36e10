package io.hpdns.zone;

import io.hpdns.wire.DnsConstants;
import io.hpdns.wire.WireNames;
import io.hpdns.zonefile.ScanState;
import io.hpdns.zonefile.ZoneFileScanner;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * An edit of a zone's master file read as the nodes it changes, from the octets around the edit
 * alone (docs/architecture.md, "Incremental compile"). The file's previous octets and the
 * scanner's states through them ({@link ZoneSource}) tell where the edits are: the previous
 * version is compared with the new one a checkpoint's span at a time, at the offset the edits
 * before it moved it to, and a span found the same holds the same records. Each part that
 * differs, between the kept scanner states around it, is read in both versions; a name whose
 * records differ there is changed, and is built anew from the new version's records, checked
 * against the rest of the zone as the whole file's load would check it.
 *
 * <p>A name is only changed this way when all its records lie in the parts read (its node in the
 * previous compile is what the previous version's parts hold of it); else one part from the first
 * difference to the last is read, widened, and then the whole file is read. A name whose every record is removed goes, or stays as an empty
 * non-terminal when names below it stay, and so do the empty non-terminals above it (one pass over
 * the previous compile's names finds what stays below them). The whole file is read when the edit
 * makes or removes a zone cut or a DNAME at a name that stays (the names below it would answer
 * otherwise, and the layout has no order to find them by), changes the apex beyond its SOA,
 * changes how the rest of the file reads ({@code $ORIGIN}, {@code $TTL}, an owner carried over),
 * holds an {@code $INCLUDE} or an error (the whole file's read reports every error of the file),
 * or when the file held a record twice (the part read could hold a record that another copy
 * keeps).
 */
public final class ZonePatch {
    /** How many times the part read is widened by a checkpoint at each end before the whole file is read. */
    private static final int MAX_WIDENING = 3;
    /** A file this small is read in parts however much of it an edit touches. */
    private static final int SMALL_FILE = 16 * ZoneSource.CHECKPOINT_EVERY;
    /** Octets of a span looked for in the new version, to find where an edit moved it. */
    private static final int PROBE = 256;
    /**
     * How far from where it was expected a span is looked for: the most an edit may move what
     * follows it by and stay a part of its own.
     */
    private static final int SEARCH = 16 * 1024;

    /**
     * A node of the new zone that the previous compile does not have: it replaces
     * {@code previous}, a node of that compile, or is new ({@link CompiledZone#NONE}).
     */
    public record Change(long previous, Node node) {}

    /**
     * A node of the previous compile that the new zone does not have: a name whose records the
     * edit removed, or an empty non-terminal that only such a name kept.
     *
     * @param previous the node, in the previous compile
     * @param key its name, lowercased, in wire format
     */
    public record Removal(long previous, byte[] key) {}

    /** What an edit is read as. */
    public sealed interface Outcome permits Patch, Whole {}

    /**
     * The nodes an edit changes, the warnings found in the parts read, the scanner's states through
     * the new file ({@link ZoneSource}), whether the new file still holds every record once (the
     * parts read hold no record twice), and the zone's serial after the edit.
     */
    public record Patch(List<Change> changes, List<Removal> removals, List<ZoneProblem> problems,
                        List<ScanState> checkpoints, boolean everyRecordOnce, long serial) implements Outcome {

        /** The names the patch writes anew or removes, lowercased, in wire format ({@link ZoneChanges}). */
        public List<byte[]> names() {
            List<byte[]> names = new ArrayList<>(changes.size() + removals.size());
            changes.forEach(change -> names.add(change.node().key()));
            removals.forEach(removal -> names.add(removal.key()));
            return names;
        }
    }

    /** An edit that is not read as a patch: the whole file is read, for the reason given. */
    public record Whole(String reason) implements Outcome {}

    private final CompiledZone previous;
    private final Name origin;
    private final Path file;
    private final byte[] before;
    private final byte[] after;
    private final List<ScanState> checkpoints;
    /** Why the part read was last widened. */
    private String widenFor;

    private ZonePatch(CompiledZone previous, ZoneSource source, Path file, byte[] text) {
        this.previous = previous;
        this.origin = previous.origin();
        this.file = file;
        this.before = source.text();
        this.after = text;
        this.checkpoints = source.checkpoints();
    }

    /**
     * Reads the master file's new octets {@code text} against {@code source}, what the zone's
     * previous compile {@code previous} was compiled from.
     */
    public static Outcome read(CompiledZone previous, ZoneSource source, Path file, byte[] text) {
        if (!source.everyRecordOnce()) {
            return new Whole("the file held a record twice");
        }
        if (previous.denialCount() > 0) {
            // The chain's entries are node offsets, which a patch moves.
            return new Whole("the zone has an NSEC or NSEC3 chain");
        }
        return new ZonePatch(previous, source, file, text).read();
    }

    private Outcome read() {
        if (!checkpointsHold()) {
            return new Whole("the kept source's checkpoints do not fit it");
        }
        // First the parts that differ, each between the checkpoints around it; when a changed
        // name reaches past them, one part from the first difference to the last, widened.
        List<Part> parts = edits();
        if (tooMuch(parts)) {
            return new Whole("the edit touches most of the file");
        }
        Outcome outcome = read(parts);
        if (outcome != null) {
            return outcome;
        }
        int first = parts.getFirst().first();
        int last = parts.getLast().last();
        for (int widened = 0; ; widened++) {
            Part part = new Part(first, last, 0, after.length - before.length);
            if (tooMuch(List.of(part))) {
                return new Whole(widenFor);
            }
            outcome = read(List.of(part));
            if (outcome != null) {
                return outcome;
            }
            if (widened == MAX_WIDENING || (first == 0 && last == checkpoints.size())) {
                return new Whole(widenFor);
            }
            first = Math.max(0, first - 1);
            last = Math.min(checkpoints.size(), last + 1);
        }
    }

    /**
     * A part of the file read again: from checkpoint {@code first} up to checkpoint {@code last}
     * (the end of the file when there is none), the new version's octets {@code shiftBefore}
     * further on than the previous version's before it and {@code shiftAfter} after it.
     */
    private record Part(int first, int last, int shiftBefore, int shiftAfter) {}

    /**
     * Whether reading {@code parts} costs more than reading the whole file: they are read in both
     * versions and their names built twice, so more than half a large file is left to the whole
     * read (a small one costs little either way).
     */
    private boolean tooMuch(List<Part> parts) {
        long octets = 0;
        for (Part part : parts) {
            int to = part.last() < checkpoints.size() ? checkpoints.get(part.last()).offset() : before.length;
            octets += to - checkpoints.get(part.first()).offset();
        }
        return before.length > SMALL_FILE && octets > before.length / 2;
    }

    /**
     * The parts of the file that differ, found a checkpoint's span at a time: a span the same in
     * both versions (at the offset the edits before it moved it to) is skipped; one that differs
     * starts a part, which ends at the first checkpoint after which the next span is found the
     * same again, at the offset it moved to ({@link #shiftOf}).
     */
    private List<Part> edits() {
        List<Part> parts = new ArrayList<>();
        int shift = 0;
        int i = 0;
        while (i < checkpoints.size()) {
            if (spanSame(i, shift)) {
                i++;
                continue;
            }
            int j = i + 1;
            int shiftAfter = after.length - before.length;
            for (; j < checkpoints.size(); j++) {
                Integer found = shiftOf(j, shift);
                if (found != null && checkpoints.get(j).offset() + found >= checkpoints.get(i).offset() + shift) {
                    shiftAfter = found;
                    break;
                }
            }
            parts.add(new Part(i, j, shift, shiftAfter));
            shift = shiftAfter;
            i = j;
        }
        return parts;
    }

    /**
     * Whether checkpoint {@code i}'s span of the previous version (to the next checkpoint, or to
     * the end) is in the new version, {@code shift} octets further on; the last span must end the
     * new version too.
     */
    private boolean spanSame(int i, int shift) {
        int from = checkpoints.get(i).offset();
        int to = i + 1 < checkpoints.size() ? checkpoints.get(i + 1).offset() : before.length;
        if (from + shift < 0 || to + shift > after.length
                || (i + 1 == checkpoints.size() && to + shift != after.length)) {
            return false;
        }
        return Arrays.mismatch(before, from, to, after, from + shift, to + shift) < 0;
    }

    /**
     * The shift at which checkpoint {@code j}'s span is in the new version, tried at the shift
     * before the edit (an edit that kept the length), at the shift of the files' ends (the last
     * edit) and where its first octets are found within {@link #SEARCH} octets of those; null when
     * none.
     */
    private Integer shiftOf(int j, int shift) {
        int end = after.length - before.length;
        if (spanSame(j, shift)) {
            return shift;
        }
        if (spanSame(j, end)) {
            return end;
        }
        int from = checkpoints.get(j).offset();
        int to = j + 1 < checkpoints.size() ? checkpoints.get(j + 1).offset() : before.length;
        int probe = Math.min(PROBE, to - from);
        for (int guess : new int[] {shift, end}) {
            int lowest = Math.max(0, from + guess - SEARCH);
            int highest = Math.min(after.length - probe, from + guess + SEARCH);
            for (int at = lowest; at <= highest; at++) {
                if (after[at] == before[from] && Arrays.mismatch(before, from, from + probe, after, at, at + probe) < 0
                        && spanSame(j, at - from)) {
                    return at - from;
                }
            }
        }
        return null;
    }

    /** Null, the part read to be widened for {@code reason}, which stands if it cannot be. */
    private Outcome wider(String reason) {
        widenFor = reason;
        return null;
    }

    private boolean checkpointsHold() {
        if (checkpoints.isEmpty() || checkpoints.getFirst().offset() != 0) {
            return false;
        }
        for (int i = 1; i < checkpoints.size(); i++) {
            if (checkpoints.get(i).offset() <= checkpoints.get(i - 1).offset()
                    || checkpoints.get(i).offset() >= before.length) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads {@code parts} in both versions; null ({@link #wider}) when a changed name has records
     * outside them, or the part after one reads otherwise.
     */
    private Outcome read(List<Part> parts) {
        if (parts.isEmpty()) {
            return new Whole("the file's octets are unchanged");
        }
        ZoneBuilder old = new ZoneBuilder(origin, file.toString(), new ArrayList<>(), 64, previous);
        List<ZoneProblem> problems = new ArrayList<>();
        ZoneBuilder edited = new ZoneBuilder(origin, file.toString(), problems, 64, previous);
        List<ScanState> states = new ArrayList<>();
        int lines = 0;
        int next = 0;
        for (Part part : parts) {
            for (; next < part.first(); next++) {
                states.add(checkpoints.get(next).movedBy(part.shiftBefore(), lines));
            }
            ScanState from = checkpoints.get(part.first());
            ScanState stop = part.last() < checkpoints.size() ? checkpoints.get(part.last()) : null;
            ZoneFileScanner.RangeEnd oldEnd = ZoneFileScanner.scanRange(file, before, from,
                    stop == null ? Integer.MAX_VALUE : stop.offset(), old, Integer.MAX_VALUE, null);
            ZoneFileScanner.RangeEnd newEnd = ZoneFileScanner.scanRange(file, after,
                    from.movedBy(part.shiftBefore(), lines),
                    stop == null ? Integer.MAX_VALUE : stop.offset() + part.shiftAfter(), edited,
                    ZoneSource.CHECKPOINT_EVERY, states::add);
            if (oldEnd.includeMet() || newEnd.includeMet()) {
                return new Whole("the edited part holds an $INCLUDE");
            }
            if (stop != null) {
                ScanState end = newEnd.state();
                if (oldEnd.state().offset() != stop.offset()) {
                    return new Whole("the kept source's checkpoints do not fit it");
                }
                if (end.offset() != stop.offset() + part.shiftAfter() || !end.readsLike(stop)) {
                    return wider("the edit changes how the rest of the file reads ($ORIGIN, $TTL or an owner"
                            + " carried over)");
                }
                lines = end.line() - stop.line();
            }
            next = part.last();
        }
        int shift = parts.getLast().shiftAfter();
        for (; next < checkpoints.size(); next++) {
            states.add(checkpoints.get(next).movedBy(shift, lines));
        }
        Map<ByteBuffer, Node> was = new HashMap<>();
        for (Node read : old.owners()) {
            was.put(ByteBuffer.wrap(read.key()), read);
        }
        Set<ByteBuffer> changed = new HashSet<>();
        for (Node now : edited.owners()) {
            ByteBuffer key = ByteBuffer.wrap(now.key());
            Node then = was.remove(key);
            if (then != null && sameNode(then, now)) {
                continue;
            }
            long node = previous.node(now.key(), 0, now.key().length);
            if (node != CompiledZone.NONE && !previous.isEmptyNonTerminal(node)
                    && (then == null || !sameNode(node, then))) {
                return wider("a changed name has records away from the edit");
            }
            if (then != null && (node == CompiledZone.NONE || previous.isEmptyNonTerminal(node))) {
                return new Whole("the kept source does not match the zone's image");
            }
            changed.add(key);
        }
        for (Map.Entry<ByteBuffer, Node> gone : was.entrySet()) {
            byte[] key = gone.getKey().array();
            long node = previous.node(key, 0, key.length);
            if (node == CompiledZone.NONE || !sameNode(node, gone.getValue())) {
                return wider("a changed name has records away from the edit");
            }
        }
        // The apex is checked as a whole zone's when it changes, and then all of it was read.
        List<Node> nodes = edited.buildChanged(changed.contains(ByteBuffer.wrap(previous.originKey())));
        if (nodes == null) {
            return new Whole("the edit has errors");
        }
        List<Change> changes = new ArrayList<>();
        List<Removal> removals = new ArrayList<>();
        Outcome gone = removed(was.keySet(), nodes, changes, removals);
        if (gone != null) {
            return gone;
        }
        return patch(nodes, changed, changes, removals, problems, states, edited.duplicates() == 0);
    }

    /**
     * The names whose every record the edit removed ({@code gone}): each goes, as a
     * {@link Removal}, or stays as an empty non-terminal (RFC 8020 §2), as a {@link Change}, when
     * a name below it stays, among the previous compile's names or {@code written}; and so does
     * each empty non-terminal above it that only such names kept. Null, or {@link Whole} when a
     * zone cut or DNAME goes at a name that stays.
     */
    private Outcome removed(Set<ByteBuffer> gone, List<Node> written, List<Change> changes, List<Removal> removals) {
        if (gone.isEmpty()) {
            return null;
        }
        Set<ByteBuffer> writing = new HashSet<>();
        for (Node node : written) {
            writing.add(ByteBuffer.wrap(node.key()));
        }
        // Each name that may go, and whether a name below it stays.
        Map<ByteBuffer, Boolean> stays = new HashMap<>();
        for (ByteBuffer name : gone) {
            stays.put(name, false);
            byte[] key = name.array();
            int below = WireNames.labelCount(key, 0) - previous.originLabels();
            for (int off = key[0] + 1; --below > 0; off += key[off] + 1) {
                ByteBuffer ancestor = ByteBuffer.wrap(Arrays.copyOfRange(key, off, key.length));
                long node = previous.node(key, off, key.length - off);
                if (node == CompiledZone.NONE || !previous.isEmptyNonTerminal(node) || writing.contains(ancestor)
                        || stays.containsKey(ancestor)) {
                    break;
                }
                stays.put(ancestor, false);
            }
        }
        // Most names are of no length a name that may go has: those are passed over unhashed.
        boolean[] lengths = new boolean[DnsConstants.MAX_NAME_LENGTH + 1];
        for (ByteBuffer name : stays.keySet()) {
            lengths[name.remaining()] = true;
        }
        byte[] key = new byte[DnsConstants.MAX_NAME_LENGTH];
        for (long node = previous.firstNode(); node < previous.nodesEnd(); node = previous.nextNode(node)) {
            int length = previous.copyNameLower(previous.key(node), key, 0);
            if (!lengths[length] || !stays.containsKey(ByteBuffer.wrap(key, 0, length))) {
                keeps(key, length, stays, lengths);
            }
        }
        for (Node node : written) {
            keeps(node.key(), node.key().length, stays, lengths);
        }
        for (Map.Entry<ByteBuffer, Boolean> name : stays.entrySet()) {
            byte[] owner = name.getKey().array();
            long node = previous.node(owner, 0, owner.length);
            if (!name.getValue()) {
                removals.add(new Removal(node, owner));
            } else if (gone.contains(name.getKey())) {
                if (previous.isZoneCut(node) || previous.rrset(node, DnsConstants.TYPE_DNAME) != CompiledZone.NONE) {
                    return new Whole("a zone cut or DNAME goes at " + WireNames.toString(owner, 0)
                            + ", and names below it stay");
                }
                changes.add(new Change(node, new Node(owner, owner)));
            }
        }
        return null;
    }

    /**
     * Notes that the names above the name {@code key[0, length)} that may go stay: it is below
     * them. {@code lengths}: the lengths of the names that may go.
     */
    private void keeps(byte[] key, int length, Map<ByteBuffer, Boolean> stays, boolean[] lengths) {
        int below = WireNames.labelCount(key, 0) - previous.originLabels();
        for (int off = key[0] + 1; --below > 0; off += key[off] + 1) {
            if (!lengths[length - off]) {
                continue;
            }
            ByteBuffer ancestor = ByteBuffer.wrap(key, off, length - off);
            if (stays.containsKey(ancestor)) {
                stays.put(ByteBuffer.wrap(Arrays.copyOfRange(key, off, length)), true);
            }
        }
    }

    /** The changes among {@code nodes}, the checked nodes of the parts read and the names they need. */
    private Outcome patch(List<Node> nodes, Set<ByteBuffer> changed, List<Change> changes, List<Removal> removals,
                          List<ZoneProblem> problems, List<ScanState> states, boolean everyRecordOnce) {
        long serial = previous.serial();
        int added = 0;
        for (Node node : nodes) {
            byte[] key = node.key();
            long was = previous.node(key, 0, key.length);
            if (!changed.contains(ByteBuffer.wrap(key)) && !(node.isEmptyNonTerminal() && was == CompiledZone.NONE)) {
                continue;
            }
            if (node.rrset(DnsConstants.TYPE_NSEC) != null || node.rrset(DnsConstants.TYPE_NSEC3) != null
                    || node.rrset(DnsConstants.TYPE_NSEC3PARAM) != null) {
                return new Whole("an NSEC or NSEC3 chain appears");
            }
            if (was == CompiledZone.NONE) {
                added++;
            } else {
                if (previous.isZoneCut(was) != node.isZoneCut()
                        || (previous.rrset(was, DnsConstants.TYPE_DNAME) != CompiledZone.NONE)
                        != (node.rrset(DnsConstants.TYPE_DNAME) != null)) {
                    return new Whole("a zone cut or DNAME appears or goes at " + WireNames.toString(key, 0));
                }
                if (was == previous.apex()) {
                    if (!sameBesideSoa(was, node)) {
                        return new Whole("the apex changes beyond its SOA");
                    }
                    serial = Zone.serialOf(node.rrset(DnsConstants.TYPE_SOA));
                }
            }
            changes.add(new Change(was, node));
        }
        if (CompiledZoneWriter.slotCount(previous.nodeCount() + added - removals.size()) != previous.slotCount()) {
            return new Whole("the zone grew or shrank past its index's size");
        }
        return new Patch(List.copyOf(changes), List.copyOf(removals), List.copyOf(problems), List.copyOf(states),
                everyRecordOnce, serial);
    }

    /** Whether the previous apex {@code was} has {@code node}'s RRsets, its SOA aside. */
    private boolean sameBesideSoa(long was, Node node) {
        List<RRset> others = new ArrayList<>();
        for (RRset rrset : node.rrsets()) {
            if (rrset.type() != DnsConstants.TYPE_SOA) {
                others.add(rrset);
            }
        }
        if (node.rrset(DnsConstants.TYPE_SOA) == null || others.size() != previous.rrsetCount(was) - 1) {
            return false;
        }
        int i = 0;
        long rrset = previous.firstRRset(was);
        for (int n = previous.rrsetCount(was); n > 0; n--, rrset = previous.nextRRset(rrset)) {
            if (previous.type(rrset) != DnsConstants.TYPE_SOA && !sameRRset(rrset, others.get(i++))) {
                return false;
            }
        }
        return true;
    }

    /** Whether two nodes read from master file text hold the same. */
    private static boolean sameNode(Node a, Node b) {
        if (!Arrays.equals(a.owner(), b.owner()) || a.isZoneCut() != b.isZoneCut()
                || a.rrsets().length != b.rrsets().length) {
            return false;
        }
        for (int i = 0; i < a.rrsets().length; i++) {
            RRset x = a.rrsets()[i];
            RRset y = b.rrsets()[i];
            if (x.type() != y.type() || x.ttl() != y.ttl() || x.size() != y.size()
                    || !Arrays.equals(x.data(), y.data())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the previous compile's node {@code was} holds what {@code node} holds. */
    private boolean sameNode(long was, Node node) {
        if (previous.isZoneCut(was) != node.isZoneCut() || previous.rrsetCount(was) != node.rrsets().length
                || !Arrays.equals(previous.ownerName(was), node.owner())) {
            return false;
        }
        long rrset = previous.firstRRset(was);
        for (RRset other : node.rrsets()) {
            if (!sameRRset(rrset, other)) {
                return false;
            }
            rrset = previous.nextRRset(rrset);
        }
        return true;
    }

    private boolean sameRRset(long rrset, RRset other) {
        byte[] data = other.data();
        return previous.type(rrset) == other.type() && previous.ttl(rrset) == other.ttl()
                && previous.size(rrset) == other.size() && previous.recordsLength(rrset) == data.length
                && MemorySegment.mismatch(previous.layout(), previous.records(rrset),
                        previous.records(rrset) + data.length, MemorySegment.ofArray(data), 0, data.length) < 0;
    }
}
