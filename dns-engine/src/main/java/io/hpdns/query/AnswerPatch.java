package io.hpdns.query;

import static io.hpdns.wire.DnsConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.hpdns.lookup.Lookup;
import io.hpdns.wire.WireNames;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.CompiledZoneWriter;
import io.hpdns.zone.LayoutPatch;
import io.hpdns.zone.PrecompiledAnswers;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZonePatch;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The image of a zone patched from its previous compile (docs/architecture.md, "Incremental
 * compile"): the layout of {@link LayoutPatch}, the previous compile's answers where they stand,
 * and the answers of the nodes that may answer otherwise now compiled anew after them. Those are
 * the nodes written anew and the nodes whose answers read one of them: an answer reads its own
 * node, the names its CNAME, NS, MX, SRV, SVCB and HTTPS records name (the CNAME chain, RFC 1034
 * §4.3.2; the additional section, §3.6.2, RFC 9460 §4.1), and the names above those (the closest encloser and its wildcard,
 * RFC 4592; a zone cut or DNAME on the way); a name below a zone cut answers with the cut's
 * referral, which reads the names below the cut. The zone's SOA is read by every negative answer:
 * the zone's own NXDOMAIN and NODATA are compiled once, anew; a CNAME chain that ends in one holds
 * the SOA itself, which is rewritten in place when only its serial changed, and compiled anew
 * otherwise.
 */
public final class AnswerPatch {
    /** The offset of the serial from the end of an SOA's rdata (RFC 1035 §3.3.13). */
    private static final int SERIAL_FROM_END = 20;
    /** DNAMEs followed from a name, at most, as the lookup follows them (RFC 6672 §2.3: one per label at most). */
    private static final int MAX_SYNTHESES = 8;

    private final CompiledZone previous;
    private final LayoutPatch layout;
    /** The previous compile's nodes the new zone does not have. */
    private final List<ZonePatch.Removal> removals;
    private final CompiledZone zone;
    /** The nodes written anew, where they are in the new layout. */
    private final long[] written;
    /**
     * The previous compile's nodes, in layout order: the nodes not written anew are theirs, moved
     * along ({@link LayoutPatch#moved}), so the previous compile, mapped and read already, is
     * what is read to find the answers to compile, not the new layout.
     */
    private final long[] nodes;
    /** Whether the node of {@link #nodes} at the same index is compiled anew. */
    private final boolean[] compile;
    /** Lowercased names that changed, or whose answers changed and a CNAME names. */
    private final Set<ByteBuffer> changed = new HashSet<>();
    /** Names with a wildcard child that changed: every name below them may answer from it. */
    private final Set<ByteBuffer> wildcardParents = new HashSet<>();
    /** The lengths of the names in {@link #changed} and {@link #wildcardParents}: most names are none of them. */
    private final boolean[] lengths = new boolean[MAX_NAME_LENGTH + 1];
    /**
     * The previous compile's DNAME owners and their targets, lowercased: a name below one answers
     * with the name it is synthesized to (RFC 6672 §2.3), and reads that.
     */
    private final Map<ByteBuffer, byte[]> dnames = new HashMap<>();
    /** Zone cuts at or above a changed name: the names below them answer with their referral. */
    private final Set<ByteBuffer> cuts = new HashSet<>();
    /** The types of the zone's RRsets, or more (those of the previous compile's too). */
    private final TreeSet<Integer> types = new TreeSet<>();
    private final byte[] name = new byte[MAX_NAME_LENGTH];
    /** A suffix of {@link #name} as a set key, without copying it: its content is what compares. */
    private final ByteBuffer suffix = ByteBuffer.wrap(name);
    private final int[] labels = new int[MAX_NAME_LENGTH / 2 + 2];
    /** The origin, lowercased, in wire format. */
    private final byte[] origin;

    /** What patching an image did: how many nodes' answers it compiled, and how many answer octets it left unused. */
    public record Result(int compiled, long unusedAnswers) {}

    private AnswerPatch(CompiledZone previous, LayoutPatch layout, LayoutPatch.Written written,
                        List<ZonePatch.Removal> removals) {
        this.previous = previous;
        this.removals = removals;
        this.layout = layout;
        this.zone = written.zone();
        this.written = written.nodes();
        this.nodes = new long[previous.nodeCount()];
        this.compile = new boolean[nodes.length];
        this.origin = Arrays.copyOf(name, previous.copyNameLower(previous.key(previous.apex()), name, 0));
    }

    /**
     * Writes the image of {@code previous}, mapped from {@code previousImage}, changed by
     * {@code patch} to {@code file}, checked where it was written anew
     * ({@link ZoneImage.Draft#publishPatched}).
     *
     * @throws IOException when the image cannot be written; nothing is published
     */
    public static Result patchImage(CompiledZone previous, Path previousImage, ZonePatch.Patch patch,
                                    ZoneFingerprint fingerprint, Path file) throws IOException {
        LayoutPatch layout = new LayoutPatch(previous, patch.changes(), patch.removals());
        long previousAnswers = layout.previousAnswers();
        try (ZoneImage.Draft draft = ZoneImage.draft(file, fingerprint, layout.plainSize() + previousAnswers);
             FileChannel old = FileChannel.open(previousImage, StandardOpenOption.READ)) {
            LayoutPatch.Target target = draft.patchedFrom(old);
            AnswerPatch answers = new AnswerPatch(previous, layout, layout.write(draft.layout(), target),
                    patch.removals());
            byte[] serial = new byte[4];
            layout.writeAnswers(draft.layout(), target, answers.mark(serial), serial);
            return answers.compile(draft, previousAnswers);
        }
    }

    /** Compiles the answers of the nodes written and marked, appends them and publishes the draft. */
    private Result compile(ZoneImage.Draft draft, long previousAnswers) throws IOException {
        AnswerCompiler compiler = AnswerCompiler.over(zone, types);
        if ((compiler.negative() == null) != (previous.answers().negative() == null)) {
            throw new IOException("the zone's negative answer comes or goes: it is compiled whole");
        }
        PrecompiledAnswers.Builder builder = new PrecompiledAnswers.Builder();
        long unused = 0;
        List<Long> compiled = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            boolean removed = layout.removes(nodes[i]);
            if (compile[i] || removed) {
                int before = previous.answersAt(nodes[i]);
                if (before != PrecompiledAnswers.NOT_COMPILED) {
                    unused += previous.answers().length(before);
                }
                if (!removed && !layout.replaces(nodes[i])) {
                    compiled.add(layout.moved(nodes[i]));
                }
            }
        }
        for (long node : written) {
            compiled.add(node);
        }
        long[] at = new long[compiled.size()];
        int[] answersAt = new int[at.length];
        for (int i = 0; i < at.length; i++) {
            at[i] = compiled.get(i);
            int start = compiler.compileOne(at[i], builder);
            answersAt[i] = start == PrecompiledAnswers.NOT_COMPILED ? start : (int) (previousAnswers + start);
        }
        if (previousAnswers + builder.length() > Integer.MAX_VALUE - 16) {
            throw new IOException("the zone's answers pass 2 GB: it is compiled whole");
        }
        ByteBuffer negative = CompiledZoneWriter.negative(compiler.negative());
        CompiledZoneWriter.setPatchedAnswers(zone, at, answersAt, previousAnswers + builder.length(),
                negative.remaining());
        draft.publishPatched(written, builder.contents(), negative);
        return new Result(at.length, unused);
    }

    /**
     * Notes the names written anew or removed, their wildcards' parents and the zone cuts at or
     * above them (in the previous compile for a name removed, in the new one for the others).
     */
    private void markChanged() {
        for (ZonePatch.Removal removal : removals) {
            int length = previous.copyNameLower(previous.key(removal.previous()), name, 0);
            markChanged(previous, removal.previous(), length);
        }
        for (long node : written) {
            markChanged(zone, node, zone.copyNameLower(zone.key(node), name, 0));
        }
        // A CNAME to a zone cut answers with its referral, which reads the names below it.
        for (ByteBuffer cut : cuts) {
            changed.add(cut);
            lengths[cut.remaining()] = true;
        }
    }

    /** Notes {@code node} of {@code in}, whose name is in {@link #name} ({@code length} octets). */
    private void markChanged(CompiledZone in, long node, int length) {
        noteChanged(changed, 0, length);
        if (name[0] == 1 && name[1] == '*') {
            noteChanged(wildcardParents, 2, length - 2);
        }
        if (in.isZoneCut(node)) {
            cuts.add(key(0, length));
        }
        int depth = depth();
        for (int i = 1; i < depth; i++) {
            long ancestor = in.node(name, labels[i], length - labels[i]);
            if (ancestor != CompiledZone.NONE && in.isZoneCut(ancestor)) {
                cuts.add(key(labels[i], length - labels[i]));
            }
        }
    }

    /** Adds {@link #name}{@code [from, from + length)} to {@code names}, one of the changed names' sets. */
    private void noteChanged(Set<ByteBuffer> names, int from, int length) {
        names.add(key(from, length));
        lengths[length] = true;
    }

    /**
     * Marks the nodes to compile anew, in one pass over the previous compile's nodes after the
     * names written anew are noted ({@link #markChanged}): the nodes replaced, every node below a
     * zone cut that changed, and every node whose CNAME, NS, MX, SRV, SVCB or HTTPS names a
     * changed name or a name below one, again until no CNAME owner is added to the changed; and
     * notes where the answers kept hold the SOA ({@link #soaSerials}).
     *
     * @param serial set to the new SOA's serial
     * @return where the new serial is to be written among the answers kept, ascending
     */
    private int[] mark(byte[] serial) {
        markChanged();
        SoaSerials soa = soaSerials(serial);
        boolean[] seen = new boolean[1 << 16];
        List<Integer> readers = new ArrayList<>();
        boolean more = false;
        int i = 0;
        for (long node = previous.firstNode(); node < previous.nodesEnd(); node = previous.nextNode(node), i++) {
            nodes[i] = node;
            if (layout.removes(node)) {
                continue;
            }
            boolean reads = false;
            boolean cname = false;
            long rrset = previous.firstRRset(node);
            for (int n = previous.rrsetCount(node); n > 0; n--, rrset = previous.nextRRset(rrset)) {
                int type = previous.type(rrset);
                seen[type] = true;
                reads |= targetAt(type) >= 0;
                cname |= type == TYPE_CNAME;
                if (type == TYPE_DNAME) {
                    noteDname(node, rrset);
                }
            }
            compile[i] = layout.replaces(node) || (!cuts.isEmpty() && below(node, cuts));
            if (reads) {
                readers.add(i);
                more |= markIfReadsChanged(i);
            }
            if (soa != null && !compile[i]) {
                soa.collect(i, cname);
            }
        }
        for (long node : written) {
            long rrset = zone.firstRRset(node);
            for (int n = zone.rrsetCount(node); n > 0; n--, rrset = zone.nextRRset(rrset)) {
                seen[zone.type(rrset)] = true;
            }
        }
        for (int type = 0; type < seen.length; type++) {
            if (seen[type]) {
                types.add(type);
            }
        }
        if (!dnames.isEmpty()) {
            // The readers were asked before every DNAME was known; and a name below a DNAME reads
            // the name it is synthesized to.
            more = true;
            for (int n = 0; n < nodes.length; n++) {
                if (compile[n] || layout.removes(nodes[n]) || !below(nodes[n], dnames.keySet())) {
                    continue;
                }
                int length = previous.copyNameLower(previous.key(nodes[n]), name, 0);
                if (changedAt(length)) {
                    compile[n] = true;
                    noteChanged(changed, 0, length);
                }
            }
        }
        while (more) {
            more = false;
            for (int reader : readers) {
                more |= markIfReadsChanged(reader);
            }
        }
        return soa == null ? new int[0] : soa.kept();
    }

    /** Notes the DNAME RRset {@code rrset} of {@code node}: its owner and target, lowercased. */
    private void noteDname(long node, long rrset) {
        byte[] owner = new byte[MAX_NAME_LENGTH];
        int length = previous.copyNameLower(previous.key(node), owner, 0);
        byte[] target = new byte[MAX_NAME_LENGTH];
        int targetLength = previous.copyNameLower(previous.records(rrset) + 2, target, 0);
        dnames.put(ByteBuffer.wrap(owner, 0, length).slice(), Arrays.copyOf(target, targetLength));
    }

    /**
     * Marks node {@code i} when a name it reads changed; returns whether that added a CNAME owner
     * to the changed names (the readers are then asked again).
     */
    private boolean markIfReadsChanged(int i) {
        if (compile[i] || !namesChanged(nodes[i])) {
            return false;
        }
        compile[i] = true;
        if (previous.rrset(nodes[i], TYPE_CNAME) == CompiledZone.NONE) {
            return false;
        }
        noteChanged(changed, 0, previous.copyNameLower(previous.key(nodes[i]), name, 0));
        return true;
    }

    /** Whether a name strictly between the apex and the node is one of {@code names}. */
    private boolean below(long node, Set<ByteBuffer> names) {
        int length = previous.copyNameLower(previous.key(node), name, 0);
        int depth = depth();
        for (int i = 1; i < depth; i++) {
            if (names.contains(suffix.limit(length).position(labels[i]))) {
                return true;
            }
        }
        return false;
    }

    /** Where the name an RRset of this type names starts in its rdata; -1: none that an answer reads. */
    private static int targetAt(int type) {
        return type == TYPE_CNAME ? 0 : Lookup.additionalNameAt(type);
    }

    /**
     * Whether a name the node's CNAME, NS, MX, SRV, SVCB or HTTPS records name is changed, below a
     * changed name, or under a changed wildcard.
     */
    private boolean namesChanged(long node) {
        long rrset = previous.firstRRset(node);
        for (int i = previous.rrsetCount(node); i > 0; i--, rrset = previous.nextRRset(rrset)) {
            int at = targetAt(previous.type(rrset));
            if (at < 0) {
                continue;
            }
            long record = previous.records(rrset);
            for (int r = previous.size(rrset); r > 0; r--, record = previous.nextRecord(record)) {
                if (changedAt(previous.copyNameLower(record + 2 + at, name, 0))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the lowercased name in {@link #name} ({@code length} octets), when in the zone, is a
     * changed name, or below one short of the apex, or at or below a name whose wildcard child
     * changed, or is below a DNAME and synthesized to such a name.
     */
    private boolean changedAt(int length) {
        return changedAt(name, labels, suffix, length, MAX_SYNTHESES);
    }

    /**
     * {@link #changedAt(int)} for the name in {@code key} ({@code length} octets), whose label
     * starts go to {@code starts} and whose suffixes {@code suffixes} (over {@code key}) stands
     * for, following at most {@code syntheses} more DNAMEs.
     */
    private boolean changedAt(byte[] key, int[] starts, ByteBuffer suffixes, int length, int syntheses) {
        int depth = WireNames.labelStarts(key, 0, starts) - previous.originLabels();
        if (depth < 0 || !Arrays.equals(key, starts[depth], length, origin, 0, origin.length)) {
            return false;
        }
        for (int i = 0; i <= depth; i++) {
            if (!lengths[length - starts[i]]) {
                continue;
            }
            suffixes.limit(length).position(starts[i]);
            // The apex is an ancestor of every name, and what of it a name below reads (its SOA) is seen to apart.
            if (((i < depth || depth == 0) && changed.contains(suffixes)) || wildcardParents.contains(suffixes)) {
                return true;
            }
        }
        if (dnames.isEmpty() || syntheses == 0) {
            return false;
        }
        // The DNAME nearest the apex redirects the name (RFC 6672 §2.3: the lookup meets it first).
        for (int i = depth - 1; i >= 1; i--) {
            byte[] target = dnames.get(suffixes.limit(length).position(starts[i]));
            if (target != null) {
                if (starts[i] + target.length > MAX_NAME_LENGTH) {
                    return false;
                }
                byte[] synthesized = Arrays.copyOf(key, MAX_NAME_LENGTH);
                System.arraycopy(target, 0, synthesized, starts[i], target.length);
                return changedAt(synthesized, new int[starts.length], ByteBuffer.wrap(synthesized),
                        starts[i] + target.length, syntheses - 1);
            }
        }
        return false;
    }

    /**
     * Fills {@link #labels} with where the labels of {@link #name} start and returns its depth
     * below the apex: suffixes 1 to the depth less one are its ancestors short of the apex.
     */
    private int depth() {
        return Math.max(0, WireNames.labelStarts(name, 0, labels) - previous.originLabels());
    }

    /**
     * When the apex's SOA changed, what finds where the answers kept from the previous compile
     * hold it ({@link SoaSerials}); null when it did not change.
     *
     * @param serial set to the new SOA's serial
     */
    private SoaSerials soaSerials(byte[] serial) {
        long before = previous.soa();
        long after = zone.soa();
        int length = previous.recordsLength(before);
        long was = previous.records(before);
        if (length == zone.recordsLength(after) && previous.ttl(before) == zone.ttl(after)
                && MemorySegment.mismatch(previous.layout(), was, was + length, zone.layout(), zone.records(after),
                        zone.records(after) + length) < 0) {
            return null;
        }
        boolean serialOnly = previous.size(before) == 1 && length == zone.recordsLength(after)
                && previous.ttl(before) == zone.ttl(after) && sameBesideSerial(before, after, length);
        MemorySegment.copy(zone.layout(), JAVA_BYTE, zone.records(after) + length - SERIAL_FROM_END, serial, 0, 4);
        byte[] oldTail = new byte[SERIAL_FROM_END];
        MemorySegment.copy(previous.layout(), JAVA_BYTE, previous.records(before) + length - SERIAL_FROM_END, oldTail,
                0, SERIAL_FROM_END);
        return new SoaSerials(serialOnly, oldTail);
    }

    /**
     * Where the answers kept hold the changed SOA, to have the new serial written there when
     * nothing else of it changed; when more changed, their nodes are marked to be compiled anew.
     * Only a CNAME chain (or a DNAME's), a response with an authority section or one of several
     * records can hold the SOA: the SOA is the apex's alone, and the apex is written anew.
     */
    private final class SoaSerials {
        private final boolean serialOnly;
        private final byte[] oldTail;
        private final List<Integer> serials = new ArrayList<>();
        private final List<Integer> owners = new ArrayList<>();

        SoaSerials(boolean serialOnly, byte[] oldTail) {
            this.serialOnly = serialOnly;
            this.oldTail = oldTail;
        }

        /**
         * Notes the serials the answers of node {@code i}, which owns a CNAME or not, hold, or
         * marks it. A node without a CNAME whose other types get the zone's NODATA answers each
         * type it owns from its own RRset: none holds the SOA, which only the apex owns.
         */
        void collect(int i, boolean cname) {
            int at = previous.answersAt(nodes[i]);
            PrecompiledAnswers answers = previous.answers();
            if (at == PrecompiledAnswers.NOT_COMPILED || (!cname && answers.otherTypesNodata(at))) {
                return;
            }
            int found = serials.size();
            int count = answers.responseCount(at);
            int response = answers.firstResponse(at);
            for (int r = 0; r < count; r++) {
                if (r > 0) {
                    response = answers.nextResponse(response);
                }
                if (answers.hasRecords(response)
                        && (cname || answers.authorityCount(response) > 0 || answers.answerCount(response) > 1)
                        && !collect(answers, response, i)) {
                    compile[i] = true;
                    serials.subList(found, serials.size()).clear();
                    owners.subList(found, owners.size()).clear();
                    return;
                }
            }
        }

        /**
         * Notes where the serial of each SOA record the response holds is; false when one cannot
         * be rewritten (the SOA changed beyond its serial, or the record is not the old SOA).
         */
        private boolean collect(PrecompiledAnswers answers, int response, int owner) {
            MemorySegment bytes = answers.bytes();
            int records = answers.answerCount(response) + answers.authorityCount(response)
                    + answers.additionalCount(response);
            long p = answers.recordsAt(response);
            for (int r = 0; r < records; r++) {
                p = skipName(bytes, p);
                int type = u16(bytes, p);
                int rdlength = u16(bytes, p + 8);
                p += 10 + rdlength;
                if (type != TYPE_SOA) {
                    continue;
                }
                if (!serialOnly || rdlength < SERIAL_FROM_END || MemorySegment.mismatch(bytes, p - SERIAL_FROM_END, p,
                        MemorySegment.ofArray(oldTail), 0, SERIAL_FROM_END) >= 0) {
                    return false;
                }
                serials.add((int) (p - SERIAL_FROM_END));
                owners.add(owner);
            }
            return true;
        }

        /** The serials noted in the answers of nodes that keep them, ascending. */
        int[] kept() {
            List<Integer> kept = new ArrayList<>(serials.size());
            for (int k = 0; k < serials.size(); k++) {
                if (!compile[owners.get(k)]) {
                    kept.add(serials.get(k));
                }
            }
            return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
        }
    }

    private boolean sameBesideSerial(long before, long after, int length) {
        long serialAt = length - SERIAL_FROM_END;
        return MemorySegment.mismatch(previous.layout(), previous.records(before), previous.records(before) + serialAt,
                zone.layout(), zone.records(after), zone.records(after) + serialAt) < 0
                && MemorySegment.mismatch(previous.layout(), previous.records(before) + serialAt + 4,
                        previous.records(before) + length, zone.layout(), zone.records(after) + serialAt + 4,
                        zone.records(after) + length) < 0;
    }

    /** The offset after the possibly compressed name at {@code p}. */
    private static long skipName(MemorySegment bytes, long p) {
        while (true) {
            int len = bytes.get(JAVA_BYTE, p) & 0xff;
            if (len == 0) {
                return p + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                return p + 2;
            }
            p += len + 1;
        }
    }

    private static int u16(MemorySegment bytes, long p) {
        return ((bytes.get(JAVA_BYTE, p) & 0xff) << 8) | (bytes.get(JAVA_BYTE, p + 1) & 0xff);
    }

    private ByteBuffer key(int from, int length) {
        return ByteBuffer.wrap(Arrays.copyOfRange(name, from, from + length));
    }
}
