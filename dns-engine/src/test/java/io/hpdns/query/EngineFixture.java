package io.hpdns.query;

import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.CompiledZoneWriter;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * The engine as the transports drive it: zone files from the test resources, one
 * {@link QueryProcessor}, queries built with dnsjava (or by hand) and responses parsed back with
 * dnsjava. Every response it hands out has already been checked for the invariants every answer
 * must keep: QR set, the query's ID, no record twice in a section, and over UDP a size within the
 * negotiated limit.
 */
public final class EngineFixture {

    /** The ID of every query built here, unless a test sets its own. */
    public static final int QUERY_ID = 0x2a5c;

    private static final Map<String, CompiledZone> LOADED = new ConcurrentHashMap<>();

    private final ServingStateHolder holder;
    private final QueryProcessor processor;
    private final AnswerSettings settings;
    private final Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
    private final byte[] response = exchange.response();

    private EngineFixture(AnswerSettings settings, ServingStateHolder holder) {
        this.settings = settings;
        this.holder = holder;
        this.processor = new QueryProcessor(holder, settings);
    }

    public static EngineFixture serving(AnswerSettings settings, CompiledZone... zones) {
        return new EngineFixture(settings, new ServingStateHolder(ServingState.of(List.of(zones))));
    }

    public static EngineFixture serving(CompiledZone... zones) {
        return serving(AnswerSettings.defaults(), zones);
    }

    /** Zones as loaded, their answers not compiled: every query goes through the lookup and the writer. */
    public static EngineFixture serving(Zone... loaded) {
        CompiledZone[] zones = new CompiledZone[loaded.length];
        for (int i = 0; i < loaded.length; i++) {
            zones[i] = CompiledZoneWriter.write(loaded[i]);
        }
        return serving(zones);
    }

    /** example.org alone: child.example.org is only a delegation. */
    public static EngineFixture parentOnly() {
        return serving(parentZone());
    }

    /** example.org and its child zone child.example.org, both served. */
    public static EngineFixture parentAndChild() {
        return serving(parentZone(), childZone());
    }

    public static CompiledZone parentZone() {
        return zone("example.org.", "example.org.zone");
    }

    public static CompiledZone childZone() {
        return zone("child.example.org.", "child.example.org.zone");
    }

    /**
     * A zone from {@code src/test/resources/zones}, loaded and its answers compiled once per test
     * run, as the server does; fails on any error.
     */
    public static CompiledZone zone(String origin, String file) {
        return LOADED.computeIfAbsent(origin + " " + file, key -> load(name(origin), zoneFile(file)));
    }

    /** A zone file loaded and its answers compiled; fails on any error. */
    public static CompiledZone load(Name origin, Path file) {
        ZoneLoadResult result = ZoneLoader.load(origin, file);
        if (!result.ok()) {
            throw new AssertionError("test zone " + file + " does not load: " + result.problems());
        }
        return AnswerCompiler.compile(result.zone());
    }

    /**
     * The example zones of conf/zones and the engine's test zones, origin to master file: one of
     * each kind of name and answer the engine has tests for.
     */
    public static Map<String, Path> exampleAndTestZones() {
        Path conf = Path.of("..", "conf", "zones");
        Map<String, Path> zones = new LinkedHashMap<>();
        zones.put("example.com.", conf.resolve("example.com.zone"));
        zones.put("sub.example.com.", conf.resolve("sub.example.com.zone"));
        for (String origin : List.of("example.org.", "child.example.org.", "apex-dname.example.", "loop.example.",
                "negttl.example.", "huge.example.")) {
            zones.put(origin, zoneFile(origin + "zone"));
        }
        zones.put("signed.example.", zoneFile("signed/signed.example.zone"));
        zones.put("nsec3.example.", zoneFile("signed/nsec3.example.zone"));
        zones.put("optout.example.", zoneFile("signed/optout.example.zone"));
        return zones;
    }

    public static Path zoneFile(String file) {
        URL url = EngineFixture.class.getResource("/zones/" + file);
        if (url == null) {
            throw new AssertionError("no test resource zones/" + file);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    public static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (TextParseException e) {
            throw new AssertionError(e);
        }
    }

    /** A class IN query with ID {@link #QUERY_ID}, opcode QUERY and no flags (RD clear). */
    public static Message query(String qname, int type) {
        return query(qname, type, DClass.IN);
    }

    public static Message query(String qname, int type, int dclass) {
        Message query = new Message(QUERY_ID);
        query.addRecord(Record.newRecord(name(qname), type, dclass), Section.QUESTION);
        return query;
    }

    /** Adds an OPT RR (RFC 6891 §6.1.2) to the query's additional section. */
    public static Message withEdns(Message query, int udpPayloadSize, int version, int flags, EDNSOption... options) {
        query.addRecord(new OPTRecord(udpPayloadSize, 0, version, flags, options), Section.ADDITIONAL);
        return query;
    }

    public static Message withEdns(Message query, int udpPayloadSize) {
        return withEdns(query, udpPayloadSize, 0, 0);
    }

    /** Another I/O thread's engine: its own processor and buffer over the same serving state. */
    public EngineFixture anotherThread() {
        return new EngineFixture(settings, holder);
    }

    /** Replaces the served zones the way a reload does: one atomic publish of a new state. */
    public void publish(CompiledZone... zones) {
        holder.publish(ServingState.of(List.of(zones)));
    }

    public AnswerSettings settings() {
        return settings;
    }

    /** The query over UDP, no EDNS. */
    public Reply ask(String qname, int type) {
        return udp(query(qname, type));
    }

    public Reply udp(Message query) {
        Reply reply = replyTo(query.toWire(), Protocol.UDP);
        int limit = udpLimit(query.getOPT());
        if (reply.length() > limit) {
            throw new AssertionError("UDP response of " + reply.length() + " bytes exceeds the limit of " + limit
                    + " (RFC 1035 §4.2.1, RFC 6891 §6.2.5)");
        }
        return reply;
    }

    public Reply tcp(Message query) {
        return replyTo(query.toWire(), Protocol.TCP);
    }

    /**
     * The largest UDP response allowed for a query: 512 without EDNS (RFC 1035 §4.2.1), else the
     * smaller of the requestor's and the server's payload size, never below 512 (RFC 6891 §6.2.5).
     */
    public int udpLimit(OPTRecord queryOpt) {
        if (queryOpt == null) {
            return 512;
        }
        return Math.max(512, Math.min(queryOpt.getPayloadSize(), settings.ednsUdpSize()));
    }

    /**
     * Raw call: the response length or -1; the response bytes are in {@link #lastResponse}. The
     * whole of {@code query} reaches the processor, octets past {@code length} included.
     */
    public int process(byte[] query, int length, Protocol protocol) {
        return answer(processor, exchange, query, length, protocol);
    }

    /** Has {@code handler} answer {@code query[0..length)} through {@code exchange}, as a transport does. */
    public static int answer(QueryHandler handler, Exchange exchange, byte[] query, int length, Protocol protocol) {
        System.arraycopy(query, 0, exchange.request(), 0, query.length);
        exchange.received(length, protocol, System.nanoTime());
        return handler.answer(exchange);
    }

    public byte[] lastResponse(int length) {
        return Arrays.copyOf(response, length);
    }

    /** A hand-made query that must be answered (not dropped); the response parsed and checked. */
    public Reply replyTo(byte[] query, Protocol protocol) {
        int length = process(query, query.length, protocol);
        if (length < 0) {
            throw new AssertionError("query dropped, expected a response; query: " + hex(query, query.length));
        }
        if (length < 12 || length > QueryProcessor.MAX_RESPONSE) {
            throw new AssertionError("response length out of bounds: " + length);
        }
        byte[] wire = lastResponse(length);
        Message message;
        try {
            message = new Message(wire);
        } catch (IOException e) {
            throw new AssertionError("response does not parse (" + e.getMessage() + "): " + hex(wire, length), e);
        }
        if (!message.getHeader().getFlag(Flags.QR)) {
            throw new AssertionError("response without QR (RFC 1035 §4.1.1): " + message);
        }
        if (query.length >= 2) {
            int queryId = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
            if (message.getHeader().getID() != queryId) {
                throw new AssertionError("response ID " + message.getHeader().getID() + " is not the query's " + queryId
                        + " (RFC 1035 §4.1.1)");
            }
        }
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            List<Record> records = message.getSection(section);
            if (new HashSet<>(records).size() != records.size()) {
                throw new AssertionError("a record appears twice in section " + Section.string(section)
                        + " (RFC 2181 §5: an RRset is a set): " + message);
            }
        }
        return new Reply(wire, message);
    }

    static String hex(byte[] bytes, int length) {
        return HexFormat.of().formatHex(bytes, 0, length);
    }
}
