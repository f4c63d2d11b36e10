package io.hpdns.query;

import static io.hpdns.wire.DnsConstants.*;

import io.hpdns.lookup.Lookup;
import io.hpdns.stats.QueryCounters;
import io.hpdns.wire.WireNames;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.CompiledZoneWriter;
import io.hpdns.zone.NegativeAnswer;
import io.hpdns.zone.PrecompiledAnswers;
import io.hpdns.zone.PrecompiledAnswers.Response;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles a zone's common answers once, when it is loaded (DESIGN §2): for each node, the
 * responses the reference path gives to a query for the node's own name — a {@link QueryProcessor}
 * that looks up and writes record by record — kept as bytes for the query path to copy. Being the
 * reference path's own output, they are identical to it by construction; the question is the only
 * part of a response that differs between clients, and the query path copies it from the query.
 *
 * <p>Which query types get a response of their own. The lookup asks a node only for the query
 * type, and treats DS, CNAME and ANY apart, so every type that no RRset of the zone has is
 * answered alike: that response is compiled once, with a probe type no RRset has, and stands for
 * every type not listed. Then, when it is the zone's NODATA, the node answers each other type with
 * NODATA too unless it has an RRset of it: those types are compiled. When it is a referral, only
 * DS can differ (RFC 4035 §3.1.4.1). Otherwise (a CNAME chain, a name below a DNAME) every type of
 * the zone, DS and CNAME are compiled, and those whose response differs are listed. ANY is never
 * compiled: its answer depends on the transport (RFC 8482 §4.1).
 *
 * <p>In a signed zone each node's responses to a client that sets DO are compiled too, the same
 * way, with their RRSIGs and denial proofs (RFC 4035 §3.1); only NXDOMAIN, which proves a name
 * that is no node absent, is left to the writer.
 *
 * <p>The zone's NXDOMAIN and NODATA are its SOA alone, compiled once for the zone
 * ({@link NegativeAnswer}) and referred to by every node that answers with it. Responses that
 * would be truncated, or that exceed {@link #MAX_COMPILED} octets, are left to the writer.
 *
 * <p>Given the zone's previous compile, a node keeps the answers it had there when compiling them
 * again must give the same bytes ({@link #keptAnswers}): it holds the same octets, its queries
 * stop at it (no zone cut and no DNAME from the apex down to it, no CNAME at it: its other types
 * were the zone's NODATA before and are now), and its RRsets are of types answered from the RRset
 * alone (no additional section processing, which reads other names). What such a node's answers
 * hold is then its own RRsets and a reference to the zone's NODATA, compiled anew. A reload of a
 * large zone with few changes compiles the answers of the few.
 */
public final class AnswerCompiler {
    /**
     * Longer responses are left to the writer: few, and only TCP and large EDNS buffers take them
     * whole, so compiling them would cost memory for little.
     */
    static final int MAX_COMPILED = 4096;

    /**
     * Nodes per compiling thread at least: below that, starting a thread costs more than it saves.
     * Each thread has a compiler of its own (its reference processor and buffers); the zone is
     * only read.
     */
    static final int NODES_PER_THREAD = 50_000;

    /** {@link #keptAnswers}: compiled anew. */
    private static final int NOT_KEPT = Integer.MIN_VALUE;
    /**
     * An OPT record asking for DNSSEC records (RFC 6891 §6.1.2, RFC 3225): root owner, type OPT,
     * 4096 octets, no extended RCODE, version 0, DO, no options. The reference path answers it with
     * an OPT of as many octets, last, which compiled responses leave out (the query path writes
     * its own).
     */
    private static final byte[] OPT_WITH_DO = {0, 0, 41, 0x10, 0, 0, 0, (byte) 0x80, 0, 0, 0};

    private final CompiledZone zone;
    /** The zone's previous compile, whose answers an unchanged node keeps; null when there is none. */
    private final CompiledZone previous;
    private final QueryProcessor reference;
    /** Whether the zone is signed: DO responses are compiled too. */
    private final boolean signed;
    /** The reference path's queries and responses; no client: the server asks itself. */
    private final Exchange exchange = new Exchange(HEADER_SIZE + MAX_NAME_LENGTH + 4 + OPT_WITH_DO.length);
    private final byte[] query = exchange.request();
    private final byte[] response = exchange.response();
    /** Every type of the zone's RRsets, and DS and CNAME, which the lookup treats apart. */
    private final int[] zoneTypes;
    /** A type that no RRset of the zone has and the lookup does not treat apart. */
    private final int probe;
    private NegativeAnswer negative;
    /** An owner copied out of the zone and its label offsets, for {@link #keptAnswers}. */
    private final byte[] key = new byte[MAX_NAME_LENGTH];
    private final int[] keyStarts = new int[MAX_NAME_LENGTH / 2 + 2];
    /**
     * The previous compile's node after the last one found there. Both compiles lay the nodes out
     * in the order of the zone's name table, the same for the same names, so the node sought next
     * is most often this one, read in sequence rather than through the index.
     */
    private long previousCursor = CompiledZone.NONE;

    /** Scratch for {@link #compileOne}. */
    private int[] oneTypes;
    private Response[] oneResponses;

    private AnswerCompiler(CompiledZone zone, CompiledZone previous, long[] nodes) {
        this(zone, previous, typesOf(zone, nodes));
    }

    /** @param types every type of the zone's RRsets, or more */
    private AnswerCompiler(CompiledZone zone, CompiledZone previous, TreeSet<Integer> types) {
        this.zone = zone;
        this.reference = reference(zone);
        this.signed = zone.signed();
        types.add(TYPE_DS);
        types.add(TYPE_CNAME);
        this.zoneTypes = types.stream().mapToInt(Integer::intValue).toArray();
        int candidate = 0xFFFE; // private use (RFC 6895 §3.1)
        while (types.contains(candidate)) {
            candidate--;
        }
        this.probe = candidate;
        Response apex = respond(zone.ownerName(zone.apex()), probe, false);
        if (apex != null && apex.authoritative() && apex.rcode() == RCODE_NOERROR && apex.answerCount() == 0
                && apex.authorityCount() == 1 && apex.additionalCount() == 0) {
            negative = new NegativeAnswer(zone, apex.records());
        }
        // RFC 6672 §2.3: a DNAME at the apex redirects every name below it.
        boolean apexDname = zone.rrset(zone.apex(), TYPE_DNAME) != CompiledZone.NONE;
        // A signed zone's answers are compiled whole: its signatures change on every signing.
        this.previous = negative != null && !apexDname && !signed && previous != null
                && previous.answers().negative() != null ? previous : null;
    }

    /** Another compiler for the same zone, for another thread: what it learnt shared, its buffers its own. */
    private AnswerCompiler(AnswerCompiler other) {
        this.zone = other.zone;
        this.previous = other.previous;
        this.reference = reference(zone);
        this.signed = other.signed;
        this.zoneTypes = other.zoneTypes;
        this.probe = other.probe;
        this.negative = other.negative;
    }

    private static QueryProcessor reference(CompiledZone zone) {
        return new QueryProcessor(new ServingStateHolder(ServingState.of(List.of(zone))),
                AnswerSettings.defaults(), QueryCounters.unregistered(), false);
    }

    /**
     * The loaded zone in its compiled layout, with its answers compiled, in memory, on up to as
     * many threads as there are processors for a large zone. Cold path: run it before the zone is
     * published.
     */
    public static CompiledZone compile(Zone zone) {
        return compile(zone, null, threads(zone.nodeCount()));
    }

    /**
     * As {@link #compile(Zone)}, on {@code threads} threads whatever the zone's size, keeping the
     * answers of {@code previous} where they stand.
     */
    static CompiledZone compile(Zone loaded, CompiledZone previous, int threads) {
        CompiledZone zone = CompiledZoneWriter.write(loaded);
        Answers answers = answers(zone, previous, threads);
        return CompiledZoneWriter.withAnswers(zone, answers.parts(), answers.negative(), answers.at());
    }

    /**
     * Compiles the loaded zone straight into its image, {@code file} (see {@link ZoneImage#draft}):
     * the layout is written where the workers will map it, the answers compiled over it and
     * appended; the compiler keeps no copy of the layout in memory. Nodes that did not change
     * since {@code previous}, the zone's previous compile (null: none), keep their answers where
     * they stand.
     *
     * @return how many nodes kept their answers
     */
    public static int compileImage(Zone loaded, CompiledZone previous, ZoneFingerprint fingerprint, Path file)
            throws IOException {
        CompiledZoneWriter.Plan plan = CompiledZoneWriter.plan(loaded);
        try (ZoneImage.Draft draft = ZoneImage.draft(file, fingerprint, plan.size())) {
            return appendAnswers(CompiledZoneWriter.write(plan, draft.layout()), previous, draft);
        }
    }

    /**
     * The loaded zone's layout alone, written into its image, {@code file}, marked as having its
     * answers deferred ({@link CompiledZone#answersDeferred}): served at once through the general
     * path, while {@link #compileDeferredAnswers} compiles the answers into a later image.
     */
    public static void compileLayoutImage(Zone loaded, ZoneFingerprint fingerprint, Path file) throws IOException {
        CompiledZoneWriter.Plan plan = CompiledZoneWriter.plan(loaded);
        try (ZoneImage.Draft draft = ZoneImage.draft(file, fingerprint, plan.size())) {
            CompiledZoneWriter.deferAnswers(CompiledZoneWriter.write(plan, draft.layout()));
            draft.publish();
        }
    }

    /**
     * Compiles the answers of {@code deferred}, the zone as mapped from its image {@code deferredImage}
     * ({@link #compileLayoutImage}), into a new image, {@code file}: the layout copied in the
     * kernel, the answers compiled over the copy and appended, as {@link #compileImage} would have.
     */
    public static void compileDeferredAnswers(CompiledZone deferred, Path deferredImage, ZoneFingerprint fingerprint,
                                              Path file) throws IOException {
        long size = deferred.layout().byteSize();
        try (FileChannel source = FileChannel.open(deferredImage, StandardOpenOption.READ);
             ZoneImage.Draft draft = ZoneImage.draft(file, fingerprint, size)) {
            draft.patchedFrom(source).copy(0, 0, size);
            appendAnswers(CompiledZoneWriter.answersUndeferred(draft.layout()), null, draft);
        }
    }

    /**
     * Compiles the answers of {@code zone}, the layout of {@code draft}, keeping those of
     * {@code previous} where they stand, appends them and publishes the image; returns how many
     * nodes kept their answers.
     */
    private static int appendAnswers(CompiledZone zone, CompiledZone previous, ZoneImage.Draft draft)
            throws IOException {
        Answers answers = answers(zone, previous, threads(zone.nodeCount()));
        ByteBuffer negative = CompiledZoneWriter.negative(answers.negative());
        CompiledZoneWriter.setAnswers(zone, answers.length(), negative.remaining(), answers.at());
        List<ByteBuffer> rest = new ArrayList<>(answers.parts());
        rest.add(negative);
        draft.publish(rest.toArray(ByteBuffer[]::new));
        return answers.kept();
    }

    private static int threads(int nodes) {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), nodes / NODES_PER_THREAD));
    }

    /**
     * A zone's compiled answers: the answers, in parts to be laid out one after the other, its
     * negative answer (null when it has none) and, for each node in layout order, where its answers
     * start.
     */
    private record Answers(List<ByteBuffer> parts, NegativeAnswer negative, int[] at, int kept) {
        long length() {
            return parts.stream().mapToLong(ByteBuffer::remaining).sum();
        }
    }

    private static Answers answers(CompiledZone zone, CompiledZone previous, int threads) {
        long[] nodes = new long[zone.nodeCount()];
        int i = 0;
        for (long node = zone.firstNode(); node < zone.nodesEnd(); node = zone.nextNode(node)) {
            nodes[i++] = node;
        }
        return new AnswerCompiler(zone, previous, nodes).compile(nodes, Math.min(threads, Math.max(1, nodes.length)));
    }

    /**
     * Compiles {@code threads} slices of the nodes side by side, each into a layout of its own,
     * laid out one after the other (not copied together): each slice's offsets move along by the
     * slices before it.
     */
    private Answers compile(long[] nodes, int threads) {
        int[] answersAt = new int[nodes.length];
        int[] kept = new int[threads];
        PrecompiledAnswers.Builder[] slices = new PrecompiledAnswers.Builder[threads];
        Thread[] others = new Thread[threads];
        RuntimeException[] failures = new RuntimeException[threads];
        for (int t = 0; t < threads; t++) {
            slices[t] = new PrecompiledAnswers.Builder(signed);
        }
        for (int t = 1; t < threads; t++) {
            AnswerCompiler compiler = new AnswerCompiler(this);
            int slice = t;
            others[t] = Thread.ofPlatform().name("hpdns-compile-" + t).start(() -> {
                try {
                    kept[slice] = compiler.compileSlice(nodes, from(nodes, slice, threads),
                            from(nodes, slice + 1, threads), slices[slice], answersAt);
                } catch (RuntimeException e) {
                    failures[slice] = e;
                }
            });
        }
        kept[0] = compileSlice(nodes, 0, from(nodes, 1, threads), slices[0], answersAt);
        List<ByteBuffer> parts = new ArrayList<>(List.of(slices[0].contents()));
        long base = slices[0].length();
        for (int t = 1; t < threads; t++) {
            joinUninterruptibly(others[t]);
            if (failures[t] != null) {
                throw failures[t];
            }
            // Answers past 2 GB cannot be pointed at: that slice's nodes are left to the writer.
            boolean fits = base + slices[t].length() <= PrecompiledAnswers.Builder.maxSize();
            for (int i = from(nodes, t, threads); i < from(nodes, t + 1, threads); i++) {
                if (answersAt[i] != PrecompiledAnswers.NOT_COMPILED) {
                    answersAt[i] = fits ? (int) (answersAt[i] + base) : PrecompiledAnswers.NOT_COMPILED;
                }
            }
            if (fits) {
                parts.add(slices[t].contents());
                base += slices[t].length();
            }
        }
        return new Answers(parts, negative, answersAt, Arrays.stream(kept).sum());
    }

    /** The first node of slice {@code slice} of {@code slices}. */
    private static int from(long[] nodes, int slice, int slices) {
        return (int) ((long) nodes.length * slice / slices);
    }

    /** Returns how many of the slice's nodes kept their answers. */
    private int compileSlice(long[] nodes, int from, int to, PrecompiledAnswers.Builder builder, int[] answersAt) {
        int[] types = new int[zoneTypes.length];
        Response[] responses = new Response[zoneTypes.length];
        int kept = 0;
        for (int i = from; i < to; i++) {
            int at = keptAnswers(nodes[i], builder);
            if (at != NOT_KEPT) {
                kept++;
            } else {
                at = compileNode(nodes[i], builder, types, responses);
            }
            answersAt[i] = at;
        }
        return kept;
    }

    /**
     * The node's answers in the previous compile, copied to {@code builder}, when compiling them
     * again must give the same (see the class comment); else {@link #NOT_KEPT}.
     */
    private int keptAnswers(long node, PrecompiledAnswers.Builder builder) {
        if (previous == null) {
            return NOT_KEPT;
        }
        int keyLength = zone.copyName(zone.key(node), key, 0);
        long before = previousNode(keyLength);
        if (before == CompiledZone.NONE || node == zone.apex() || zone.isZoneCut(node) || !answeredFromItself(node)
                || !zone.sameNode(node, previous, before) || !queriesStopAt(keyLength)) {
            return NOT_KEPT;
        }
        int at = previous.answersAt(before);
        if (at == PrecompiledAnswers.NOT_COMPILED || !previous.answers().otherTypesNodata(at)) {
            return NOT_KEPT;
        }
        return builder.copy(previous.answers(), at);
    }

    /**
     * The previous compile's node of the name in {@link #key}, or {@link CompiledZone#NONE}: the
     * one at the cursor when it is, else through the index; the cursor moves past it.
     */
    private long previousNode(int keyLength) {
        long before = previousCursor;
        if (before == CompiledZone.NONE || before == previous.nodesEnd() || !previous.hasKey(before, key, 0, keyLength)) {
            before = previous.node(key, 0, keyLength);
        }
        if (before != CompiledZone.NONE) {
            previousCursor = previous.nextNode(before);
        }
        return before;
    }

    /** Whether every RRset of the node is answered with that RRset alone. */
    private boolean answeredFromItself(long node) {
        long rrset = zone.firstRRset(node);
        for (int i = zone.rrsetCount(node); i > 0; i--, rrset = zone.nextRRset(rrset)) {
            if (!Lookup.answeredFromOwnRRset(zone.type(rrset))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether no name strictly between the apex and {@link #key} (its {@code keyLength} octets) is
     * a zone cut or owns a DNAME (RFC 1034 §4.3.2 step 3b, RFC 6672 §2.3), so that the lookup of
     * the name reaches its node; the apex's DNAME is ruled out for the whole zone.
     */
    private boolean queriesStopAt(int keyLength) {
        int below = WireNames.labelStarts(key, 0, keyStarts) - zone.originLabels();
        for (int i = 1; i < below; i++) {
            long ancestor = zone.node(key, keyStarts[i], keyLength - keyStarts[i]);
            if (ancestor == CompiledZone.NONE || zone.isZoneCut(ancestor)
                    || zone.rrset(ancestor, TYPE_DNAME) != CompiledZone.NONE) {
                return false;
            }
        }
        return true;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The types of the RRsets of {@code zone}'s {@code nodes}, in order. */
    static TreeSet<Integer> typesOf(CompiledZone zone, long[] nodes) {
        boolean[] seen = new boolean[1 << 16];
        for (long node : nodes) {
            long rrset = zone.firstRRset(node);
            for (int i = zone.rrsetCount(node); i > 0; i--, rrset = zone.nextRRset(rrset)) {
                seen[zone.type(rrset)] = true;
            }
        }
        TreeSet<Integer> types = new TreeSet<>();
        for (int type = 0; type < seen.length; type++) {
            if (seen[type]) {
                types.add(type);
            }
        }
        return types;
    }

    /**
     * A compiler of answers over {@code zone}, keeping none.
     *
     * @param types every type of the zone's RRsets, or more: a type no RRset has is compiled to
     *     the response every other type gets, and left out
     */
    static AnswerCompiler over(CompiledZone zone, Set<Integer> types) {
        return new AnswerCompiler(zone, null, new TreeSet<>(types));
    }

    /** The zone's negative answer; null when it has none. */
    NegativeAnswer negative() {
        return negative;
    }

    /** Compiles the node's answers into {@code builder}; returns where they start, or {@link PrecompiledAnswers#NOT_COMPILED}. */
    int compileOne(long node, PrecompiledAnswers.Builder builder) {
        if (oneTypes == null) {
            oneTypes = new int[zoneTypes.length];
            oneResponses = new Response[zoneTypes.length];
        }
        return compileNode(node, builder, oneTypes, oneResponses);
    }

    private int compileNode(long node, PrecompiledAnswers.Builder builder, int[] types, Response[] responses) {
        byte[] owner = zone.ownerName(node);
        Response other = shaped(respond(owner, probe, false), owner);
        // An NSEC3's owner answers every type as a name that does not exist (RFC 5155 §7.2.9).
        boolean hashedOwner = zone.nsec3() != null && zone.isNsec3Only(node);
        int[] candidates = hashedOwner ? new int[0] : candidates(node, other);
        int at = builder.add(other, types, responses, typed(owner, candidates, other, false, types, responses));
        if (signed && at != PrecompiledAnswers.NOT_COMPILED) {
            if (hashedOwner) {
                // Asked for by no resolver (their names are hashes), and long with the proofs of
                // a name that does not exist: left to the writer.
                builder.addForDnssec(Response.NOT_COMPILED, types, responses, 0);
            } else {
                Response otherForDnssec = shaped(respond(owner, probe, true), owner);
                builder.addForDnssec(otherForDnssec, types, responses,
                        typed(owner, candidates, otherForDnssec, true, types, responses));
            }
        }
        return at;
    }

    /** The types that may have a response of their own at the node, given the response to every other. */
    private int[] candidates(long node, Response other) {
        int[] candidates;
        if (other.negative() && other.rcode() == RCODE_NOERROR) {
            // Each type once: RRSIG makes an RRset per type covered.
            int[] found = new int[zone.rrsetCount(node)];
            int distinct = 0;
            long rrset = zone.firstRRset(node);
            for (int i = 0; i < found.length; i++, rrset = zone.nextRRset(rrset)) {
                int type = zone.type(rrset);
                if (distinct == 0 || found[distinct - 1] != type) {
                    found[distinct++] = type;
                }
            }
            candidates = Arrays.copyOf(found, distinct);
        } else if (other.compiled() && !other.authoritative()) {
            candidates = new int[] {TYPE_DS};
        } else {
            candidates = zoneTypes;
        }
        return candidates;
    }

    /** Compiles the candidates' responses into {@code types} and {@code responses}: those that differ from {@code other}. */
    private int typed(byte[] owner, int[] candidates, Response other, boolean dnssecOk, int[] types,
                      Response[] responses) {
        int count = 0;
        for (int type : candidates) {
            Response r = shaped(respond(owner, type, dnssecOk), owner);
            if (!r.equals(other)) {
                types[count] = type;
                responses[count++] = r;
            }
        }
        return count;
    }

    /** The zone's negative answer in place of a response that is just that; else the response. */
    private Response shaped(Response r, byte[] owner) {
        if (r == null) {
            return Response.NOT_COMPILED;
        }
        if (negative != null && r.authoritative() && r.answerCount() == 0 && r.authorityCount() == 1
                && r.additionalCount() == 0 && negative.sameAs(r.records(), negative.shift(WireNames.length(owner, 0)))) {
            return Response.negative(r.rcode());
        }
        return r;
    }

    /**
     * The reference path's response to {@code owner}/{@code type} class IN over TCP (no size limit
     * short of 64 KiB) without EDNS, or with DO, its OPT left out; without its header and question;
     * null when it is truncated, failed, or longer than {@link #MAX_COMPILED}.
     */
    private Response respond(byte[] owner, int type, boolean dnssecOk) {
        int nameLen = WireNames.length(owner, 0);
        Arrays.fill(query, 0, HEADER_SIZE, (byte) 0);
        query[5] = 1; // QDCOUNT
        System.arraycopy(owner, 0, query, HEADER_SIZE, nameLen);
        int p = HEADER_SIZE + nameLen;
        query[p] = (byte) (type >>> 8);
        query[p + 1] = (byte) type;
        query[p + 2] = 0;
        query[p + 3] = CLASS_IN;
        int recordsAt = p + 4;
        int queryLength = recordsAt;
        if (dnssecOk) {
            query[11] = 1; // ARCOUNT
            System.arraycopy(OPT_WITH_DO, 0, query, recordsAt, OPT_WITH_DO.length);
            queryLength += OPT_WITH_DO.length;
        }
        exchange.received(queryLength, Protocol.TCP, 0);
        int length = reference.answer(exchange);
        if (length < recordsAt || length > MAX_COMPILED || u16(4) != 1) {
            return null;
        }
        int flags = u16(2);
        int rcode = flags & 0xF;
        if ((flags & FLAG_TC) != 0 || rcode == RCODE_SERVFAIL) {
            return null;
        }
        int additional = u16(10);
        if (dnssecOk) {
            // The OPT is the last record, as long as the query's.
            if (additional == 0 || length - OPT_WITH_DO.length < recordsAt
                    || response[length - OPT_WITH_DO.length + 2] != 41) {
                return null;
            }
            additional--;
            length -= OPT_WITH_DO.length;
        }
        return new Response((flags & FLAG_AA) != 0, rcode, false, u16(6), u16(8), additional,
                Arrays.copyOfRange(response, recordsAt, length));
    }

    private int u16(int p) {
        return ((response[p] & 0xff) << 8) | (response[p + 1] & 0xff);
    }
}
