import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Differential DNS client for scripts/interop: sends every query of a corpus to two servers and
 * compares the answers field by field. Queries are built byte by byte (ID, flags, EDNS, letter
 * case, TCP framing are all under the corpus' control) and sent over raw sockets; responses are
 * decoded with dnsjava.
 *
 * <pre>
 * Differ compare NAME=HOST:PORT NAME=HOST:PORT CORPUS   differential run, exit 0/1 (3: a server died)
 * Differ show HOST:PORT CORPUS                          one server's answers, one query per block
 * Differ free-ports N                                   N loopback ports free for both UDP and TCP
 * Differ knot-zone ORIGIN IN OUT                        copy a zone file, expanding $GENERATE
 * </pre>
 *
 * Corpus lines: {@code QNAME QTYPE [CLASS] [+options]} or {@code raw HEX [+tcp]}, optionally
 * followed by {@code ## NAME[,NAME]}: the named explanations, each defined once in the corpus as
 * {@code %explain NAME ASPECT[,ASPECT]: reason}, allow that query to differ in those aspects only
 * (a legitimate implementation choice, with its reason). '#' starts a comment line.
 */
public final class Differ {

    static final int UDP_TIMEOUT_MS = 1500;
    static final int TCP_TIMEOUT_MS = 3000;
    /** Records of each section shown per server under a differing query. */
    static final int REPORT_RECORDS = 6;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "compare" -> {
                if (args.length != 4) usage();
                System.exit(compare(Server.parse(args[1]), Server.parse(args[2]), Path.of(args[3])));
            }
            case "show" -> {
                if (args.length != 3) usage();
                System.exit(show(Server.parse("server=" + args[1]), Path.of(args[2])));
            }
            case "free-ports" -> {
                if (args.length != 2) usage();
                freePorts(Integer.parseInt(args[1]));
            }
            case "knot-zone" -> {
                if (args.length != 4) usage();
                expandGenerate(Name.fromString(args[1]), Path.of(args[2]), Path.of(args[3]));
            }
            default -> usage();
        }
    }

    static void usage() {
        System.err.println("""
                usage: Differ compare NAME=HOST:PORT NAME=HOST:PORT CORPUS
                       Differ show HOST:PORT CORPUS
                       Differ free-ports N
                       Differ knot-zone ORIGIN IN-FILE OUT-FILE""");
        System.exit(2);
    }

    // ---------------------------------------------------------------- servers and transport

    record Server(String label, InetSocketAddress address) {
        static Server parse(String spec) {
            int eq = spec.indexOf('=');
            int colon = spec.lastIndexOf(':');
            if (eq < 0 || colon < eq) {
                System.err.println("Differ: bad server '" + spec + "': expected NAME=HOST:PORT");
                System.exit(2);
            }
            String host = spec.substring(eq + 1, colon).replace("[", "").replace("]", "");
            return new Server(spec.substring(0, eq),
                    new InetSocketAddress(host, Integer.parseInt(spec.substring(colon + 1))));
        }
    }

    /** The bytes a server sent back, or null when it sent nothing (dropped or closed). */
    static byte[] exchange(Server server, byte[] query, boolean tcp) {
        try {
            return tcp ? exchangeTcp(server, query) : exchangeUdp(server, query);
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] exchangeUdp(Server server, byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.address().getAddress(), 0))) {
            socket.connect(server.address());
            socket.setSoTimeout(UDP_TIMEOUT_MS);
            socket.send(new DatagramPacket(query, query.length));
            byte[] buffer = new byte[65535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            byte[] response = new byte[packet.getLength()];
            System.arraycopy(buffer, 0, response, 0, response.length);
            return response;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** RFC 1035 §4.2.2 / RFC 7766 §8: a two-byte length before each message. Reads the first response. */
    static byte[] exchangeTcp(Server server, byte[] query) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.address(), TCP_TIMEOUT_MS);
            socket.setSoTimeout(TCP_TIMEOUT_MS);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            byte[] response = new byte[length];
            in.readFully(response);
            return response;
        } catch (SocketTimeoutException | EOFException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- corpus

    /** One corpus line, built into the exact query bytes to send. */
    record Query(int line, String text, byte[] wire, boolean tcp, boolean raw, List<Explanation> explanations) {}

    /** A legitimate difference: the aspects it covers and why it is not a fault. */
    record Explanation(String name, Set<String> aspects, String reason) {
        /** An aspect is covered by its own name or by a parent ("opt" covers "opt.size"). */
        boolean covers(String aspect) {
            for (String a : aspects) {
                if (aspect.equals(a) || aspect.startsWith(a + ".")) return true;
            }
            return false;
        }
    }

    static final Set<String> ASPECTS = Set.of("drop", "decode", "id", "opcode", "rcode", "flags", "question", "opt",
            "opt.size", "opt.version", "opt.flags", "opt.options", "answer", "authority", "additional", "tc.partial");

    static List<Query> readCorpus(Path file) throws IOException {
        List<Query> queries = new ArrayList<>();
        Map<String, Explanation> explanations = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean bad = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("%explain ")) {
                    Explanation e = parseExplanation(line);
                    if (explanations.putIfAbsent(e.name(), e) != null) {
                        throw new IllegalArgumentException("explanation '" + e.name() + "' is defined twice");
                    }
                } else {
                    queries.add(parseQuery(i + 1, line, explanations));
                }
            } catch (IllegalArgumentException | IOException e) {
                System.err.println(file + ":" + (i + 1) + ": " + e.getMessage());
                bad = true;
            }
        }
        if (bad) {
            System.err.println("Differ: fix the corpus lines above (syntax: QNAME QTYPE [CLASS] [+options] [## NAME,...]"
                    + " | raw HEX [+tcp] [## NAME,...] | %explain NAME ASPECT[,ASPECT]: reason)");
            System.exit(2);
        }
        return queries;
    }

    /** {@code %explain NAME ASPECT[,ASPECT]: reason}, defined before the lines that use it. */
    static Explanation parseExplanation(String line) {
        int colon = line.indexOf(':');
        String[] head = colon < 0 ? new String[0] : line.substring(0, colon).strip().split("\\s+");
        String reason = colon < 0 ? "" : line.substring(colon + 1).strip();
        if (head.length != 3 || reason.isEmpty()) {
            throw new IllegalArgumentException("expected '%explain NAME ASPECT[,ASPECT]: reason'");
        }
        Set<String> aspects = new LinkedHashSet<>(List.of(head[2].split(",")));
        for (String aspect : aspects) {
            if (!ASPECTS.contains(aspect)) {
                throw new IllegalArgumentException("unknown aspect '" + aspect + "'; known: " + new TreeSet<>(ASPECTS));
            }
        }
        return new Explanation(head[1], aspects, reason);
    }

    static Query parseQuery(int lineNo, String line, Map<String, Explanation> known) throws IOException {
        String spec = line;
        List<Explanation> explanations = new ArrayList<>();
        int mark = line.indexOf("##");
        if (mark >= 0) {
            spec = line.substring(0, mark).strip();
            for (String name : line.substring(mark + 2).strip().split("\\s*,\\s*")) {
                Explanation e = known.get(name);
                if (e == null) {
                    throw new IllegalArgumentException("no '%explain " + name + " ...' above this line");
                }
                explanations.add(e);
            }
        }
        String[] words = spec.split("\\s+");
        if (words[0].equals("raw")) {
            if (words.length < 2) {
                throw new IllegalArgumentException("raw needs the packet as hex");
            }
            boolean tcp = false;
            for (int i = 2; i < words.length; i++) {
                if (!words[i].equals("+tcp")) {
                    throw new IllegalArgumentException("raw takes only +tcp, not " + words[i]);
                }
                tcp = true;
            }
            return new Query(lineNo, spec, HexFormat.of().parseHex(words[1]), tcp, true, explanations);
        }
        if (words.length < 2) {
            throw new IllegalArgumentException("expected QNAME QTYPE [CLASS] [+options]");
        }
        int qtype = Type.value(words[1], true);
        if (qtype < 0) {
            throw new IllegalArgumentException("unknown type " + words[1]);
        }
        int next = 2;
        int qclass = DClass.IN;
        if (words.length > 2 && !words[2].startsWith("+")) {
            qclass = DClass.value(words[2]);
            if (qclass < 0) {
                throw new IllegalArgumentException("unknown class " + words[2]);
            }
            next = 3;
        }
        QueryOptions options = new QueryOptions();
        options.id = (lineNo * 7919) & 0xFFFF;
        for (int i = next; i < words.length; i++) {
            options.apply(words[i]);
        }
        byte[] wire = options.build(words[0], qtype, qclass);
        return new Query(lineNo, spec, wire, options.tcp, false, explanations);
    }

    /** The knobs of one query; defaults: UDP, EDNS version 0 with a 1232-byte payload, no flags. */
    static final class QueryOptions {
        int id;
        int opcode;
        boolean qr, aa, tc, rd, ra, z, ad, cd, tcp;
        boolean edns = true;
        int ednsSize = 1232;
        int ednsVersion;
        int ednsFlags;
        boolean dnssecOk;
        final List<byte[]> ednsOptions = new ArrayList<>();
        int questions = 1;
        boolean twoOpt, optInAnswer;

        void apply(String option) {
            String key = option;
            String value = null;
            int eq = option.indexOf('=');
            if (eq >= 0) {
                key = option.substring(0, eq);
                value = option.substring(eq + 1);
            }
            switch (key) {
                case "+tcp" -> tcp = true;
                case "+noedns" -> edns = false;
                case "+edns", "+bufsize" -> {
                    edns = true;
                    if (value != null) ednsSize = number(option, value, 0xFFFF);
                }
                case "+ednsversion" -> ednsVersion = number(option, value, 255);
                case "+ednsflags" -> ednsFlags = number(option, value, 0xFFFF);
                case "+do" -> dnssecOk = true;
                case "+nsid" -> ednsOptions.add(new byte[] {0, 3, 0, 0});
                case "+ednsopt" -> ednsOptions.add(ednsOption(option, value));
                case "+id" -> id = number(option, value, 0xFFFF);
                case "+opcode" -> opcode = number(option, value, 15);
                case "+qr" -> qr = true;
                case "+aa" -> aa = true;
                case "+tc" -> tc = true;
                case "+rd" -> rd = true;
                case "+ra" -> ra = true;
                case "+z" -> z = true;
                case "+ad" -> ad = true;
                case "+cd" -> cd = true;
                case "+qdcount" -> questions = number(option, value, 2);
                case "+twoopt" -> twoOpt = true;
                case "+optinanswer" -> optInAnswer = true;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }

        static int number(String option, String value, int max) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            int n = value.startsWith("0x") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
            if (n < 0 || n > max) {
                throw new IllegalArgumentException(option + ": value out of range 0.." + max);
            }
            return n;
        }

        /** +ednsopt=CODE or +ednsopt=CODE:HEX (RFC 6891 §6.1.2 option layout). */
        static byte[] ednsOption(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs CODE[:HEX]");
            }
            int colon = value.indexOf(':');
            int code = number(option, colon < 0 ? value : value.substring(0, colon), 0xFFFF);
            byte[] data = colon < 0 ? new byte[0] : HexFormat.of().parseHex(value.substring(colon + 1));
            byte[] encoded = new byte[4 + data.length];
            encoded[0] = (byte) (code >> 8);
            encoded[1] = (byte) code;
            encoded[2] = (byte) (data.length >> 8);
            encoded[3] = (byte) data.length;
            System.arraycopy(data, 0, encoded, 4, data.length);
            return encoded;
        }

        byte[] build(String qname, int qtype, int qclass) throws IOException {
            DNSOutput out = new DNSOutput();
            int flags = (qr ? 0x8000 : 0) | (opcode << 11) | (aa ? 0x0400 : 0) | (tc ? 0x0200 : 0)
                    | (rd ? 0x0100 : 0) | (ra ? 0x0080 : 0) | (z ? 0x0040 : 0) | (ad ? 0x0020 : 0) | (cd ? 0x0010 : 0);
            int optCount = edns ? (twoOpt ? 2 : 1) : 0;
            out.writeU16(id);
            out.writeU16(flags);
            out.writeU16(questions);
            out.writeU16(optInAnswer ? optCount : 0);
            out.writeU16(0);
            out.writeU16(optInAnswer ? 0 : optCount);
            // The name keeps the corpus' letter case (dnsjava writes labels as given; RFC 4343).
            Name name = Name.fromString(qname, Name.root);
            for (int i = 0; i < questions; i++) {
                name.toWire(out, null);
                out.writeU16(qtype);
                out.writeU16(qclass);
            }
            for (int i = 0; i < optCount; i++) {
                // RFC 6891 §6.1.2/§6.1.3: root owner, CLASS = payload size, TTL = ext-rcode|version|DO|Z.
                out.writeU8(0);
                out.writeU16(Type.OPT);
                out.writeU16(ednsSize);
                out.writeU8(0);
                out.writeU8(ednsVersion);
                out.writeU16((dnssecOk ? 0x8000 : 0) | ednsFlags);
                int length = 0;
                for (byte[] o : ednsOptions) length += o.length;
                out.writeU16(length);
                for (byte[] o : ednsOptions) out.writeByteArray(o);
            }
            return out.toByteArray();
        }
    }

    // ---------------------------------------------------------------- responses

    /** A response decoded into the parts that are compared, normalised where order is free. */
    static final class Answer {
        final byte[] wire;
        final String error;
        int id, opcode, flags, rcode;
        String question = "";
        final Map<String, List<String>> sections = new LinkedHashMap<>();
        Message message;
        boolean hasOpt;
        int optCount, optSize, optVersion, optFlags;
        List<String> optOptions = List.of();

        Answer(byte[] wire) {
            this.wire = wire;
            String problem = null;
            if (wire != null && wire.length < 12) {
                problem = "short message (" + wire.length + " bytes): " + HexFormat.of().formatHex(wire);
            } else if (wire != null) {
                id = u16(wire, 0);
                flags = u16(wire, 2);
                opcode = (flags >> 11) & 0xF;
                rcode = flags & 0xF;
                question = questionHex(wire);
                try {
                    message = new Message(wire);
                    String[] names = {"", "answer", "authority", "additional"};
                    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
                        List<String> rrs = new ArrayList<>();
                        for (Record rr : message.getSection(section)) {
                            if (rr instanceof OPTRecord opt) {
                                optCount++;
                                if (section == Section.ADDITIONAL && !hasOpt) {
                                    readOpt(opt);
                                    continue;
                                }
                            }
                            rrs.add(normalise(rr));
                        }
                        rrs.sort(null);
                        sections.put(names[section], rrs);
                    }
                    // RFC 6891 §6.1.3: the OPT TTL's high byte extends the header RCODE to 12 bits.
                    if (hasOpt) rcode |= (message.getOPT().getExtendedRcode() << 4);
                } catch (IOException | RuntimeException e) {
                    problem = "undecodable message: " + e.getMessage() + ": " + HexFormat.of().formatHex(wire);
                }
            }
            error = problem;
        }

        void readOpt(OPTRecord opt) {
            hasOpt = true;
            optSize = opt.getPayloadSize();
            optVersion = opt.getVersion();
            optFlags = opt.getFlags();
            List<String> options = new ArrayList<>();
            for (EDNSOption option : opt.getOptions()) {
                options.add(option.getCode() + ":" + HexFormat.of().formatHex(option.toWire()));
            }
            optOptions = options;
        }

        boolean dropped() {
            return wire == null;
        }

        boolean truncated() {
            return (flags & 0x0200) != 0;
        }

        String flagString() {
            StringBuilder s = new StringBuilder();
            String[] names = {"qr", "aa", "tc", "rd", "ra", "z", "ad", "cd"};
            int[] bits = {0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0040, 0x0020, 0x0010};
            for (int i = 0; i < names.length; i++) {
                if ((flags & bits[i]) != 0) s.append(s.isEmpty() ? "" : " ").append(names[i]);
            }
            return s.toString();
        }

        String optString() {
            if (!hasOpt) return "none";
            return "size=" + optSize + " version=" + optVersion + " flags=0x" + Integer.toHexString(optFlags)
                    + (optOptions.isEmpty() ? "" : " options=" + optOptions) + (optCount > 1 ? " count=" + optCount : "");
        }

        /** The whole answer on a few lines, for reports and for `show`. */
        String describe() {
            return describe(Integer.MAX_VALUE);
        }

        /** The answer with at most {@code perSection} records of each section. */
        String describe(int perSection) {
            if (dropped()) return "no response";
            if (error != null) return error;
            StringBuilder s = new StringBuilder();
            s.append("id=").append(id).append(" opcode=").append(Opcode.string(opcode)).append(" rcode=")
                    .append(Rcode.string(rcode)).append(" flags=[").append(flagString()).append("] question=")
                    .append(question.isEmpty() ? "(none)" : question).append(" opt=").append(optString())
                    .append(" size=").append(wire.length);
            for (Map.Entry<String, List<String>> section : sections.entrySet()) {
                List<String> rrs = section.getValue();
                for (int i = 0; i < rrs.size() && i < perSection; i++) {
                    s.append("\n    ").append(section.getKey()).append(": ").append(rrs.get(i));
                }
                if (rrs.size() > perSection) {
                    s.append("\n    ").append(section.getKey()).append(": (").append(rrs.size() - perSection).append(" more)");
                }
            }
            return s.toString();
        }

        /** RRsets (owner, class, type) with their records, over every section but OPT. */
        /** The records by RRset: owner, class and type, and for RRSIG the type covered. */
        Map<String, List<String>> rrsets() {
            Map<String, List<String>> sets = new TreeMap<>();
            for (List<String> rrs : sections.values()) {
                for (String rr : rrs) {
                    String[] f = rr.split(" ", 6);
                    // RFC 4034 §3: the RRSIGs covering one type are the set a signed RRset comes with.
                    String set = f[0] + " " + f[2] + " " + f[3] + (f[3].equals("RRSIG") ? " " + f[4] : "");
                    sets.computeIfAbsent(set, k -> new ArrayList<>()).add(rr);
                }
            }
            sets.values().forEach(l -> l.sort(null));
            return sets;
        }
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** The question section exactly as sent back (letter case included), as hex plus a readable form. */
    static String questionHex(byte[] wire) {
        int count = u16(wire, 4);
        int at = 12;
        StringBuilder readable = new StringBuilder();
        for (int q = 0; q < count && at < wire.length; q++) {
            StringBuilder name = new StringBuilder();
            while (at < wire.length) {
                int len = wire[at] & 0xFF;
                if (len == 0) {
                    at++;
                    break;
                }
                if ((len & 0xC0) != 0) {
                    name.append("<ptr>");
                    at += 2;
                    break;
                }
                name.append(new String(wire, at + 1, Math.min(len, wire.length - at - 1), StandardCharsets.ISO_8859_1)).append('.');
                at += 1 + len;
            }
            at = Math.min(at + 4, wire.length);
            if (at >= 4) {
                readable.append(readable.isEmpty() ? "" : ",").append(name.isEmpty() ? "." : name)
                        .append('/').append(Type.string(u16(wire, at - 4))).append('/').append(DClass.string(u16(wire, at - 2)));
            }
        }
        if (count == 0) return "";
        return readable + " (" + HexFormat.of().formatHex(wire, 12, Math.min(at, wire.length)) + ")";
    }

    /**
     * "owner ttl class type rdata" with the owner and the names inside the RDATA lowercased (the
     * RFC 4034 §6.2 canonical form): letter case is not significant outside the question (RFC
     * 4343), and a server that compresses against the question legitimately copies its case.
     */
    static String normalise(Record rr) throws IOException {
        Record canonical = Record.fromWire(rr.toWireCanonical(), Section.ANSWER);
        return canonical.getName() + " " + rr.getTTL() + " " + DClass.string(rr.getDClass()) + " "
                + Type.string(rr.getType()) + " " + canonical.rdataToString();
    }

    // ---------------------------------------------------------------- comparison

    record Difference(String aspect, String a, String b) {}

    static List<Difference> differences(Query q, Answer a, Answer b) {
        List<Difference> diffs = new ArrayList<>();
        if (a.dropped() || b.dropped()) {
            if (a.dropped() != b.dropped()) {
                diffs.add(new Difference("drop", a.dropped() ? "dropped" : "answered", b.dropped() ? "dropped" : "answered"));
            }
            return diffs;
        }
        if (a.error != null || b.error != null) {
            if (!String.valueOf(a.error).equals(String.valueOf(b.error))) {
                diffs.add(new Difference("decode", String.valueOf(a.error), String.valueOf(b.error)));
            }
            return diffs;
        }
        // RFC 1035 §4.1.1: the ID is copied from the query; both sides must do so, not merely agree.
        int queryId = q.wire().length >= 2 ? u16(q.wire(), 0) : -1;
        add(diffs, "id", a.id == queryId ? "echoed" : "changed to " + a.id, b.id == queryId ? "echoed" : "changed to " + b.id);
        add(diffs, "opcode", Opcode.string(a.opcode), Opcode.string(b.opcode));
        add(diffs, "rcode", Rcode.string(a.rcode), Rcode.string(b.rcode));
        add(diffs, "flags", a.flagString(), b.flagString());
        if (q.raw()) {
            return diffs;
        }
        add(diffs, "question", a.question, b.question);
        add(diffs, "opt", a.hasOpt ? "present" + (a.optCount > 1 ? " x" + a.optCount : "") : "absent",
                b.hasOpt ? "present" + (b.optCount > 1 ? " x" + b.optCount : "") : "absent");
        if (a.hasOpt && b.hasOpt) {
            add(diffs, "opt.size", a.optSize, b.optSize);
            add(diffs, "opt.version", a.optVersion, b.optVersion);
            add(diffs, "opt.flags", "0x" + Integer.toHexString(a.optFlags), "0x" + Integer.toHexString(b.optFlags));
            add(diffs, "opt.options", a.optOptions, b.optOptions);
        }
        if (a.truncated() && b.truncated()) {
            // RFC 2181 §9: a truncated response may carry any subset of the answer, but never part of an RRset.
            return diffs;
        }
        for (String section : a.sections.keySet()) {
            List<String> x = a.sections.get(section);
            List<String> y = b.sections.get(section);
            if (!x.equals(y)) {
                List<String> onlyA = new ArrayList<>(x);
                y.forEach(onlyA::remove);
                List<String> onlyB = new ArrayList<>(y);
                x.forEach(onlyB::remove);
                diffs.add(new Difference(section, "only here: " + onlyA, "only here: " + onlyB));
            }
        }
        return diffs;
    }

    static void add(List<Difference> diffs, String aspect, Object a, Object b) {
        if (!a.equals(b)) diffs.add(new Difference(aspect, String.valueOf(a), String.valueOf(b)));
    }

    /** RFC 2181 §9: every RRset in a TC=1 answer must be whole; the full answer is fetched over TCP. */
    static String partialRrset(Server server, Query q, Answer truncated) {
        if (truncated.dropped() || truncated.error != null || !truncated.truncated()) return null;
        byte[] full = exchange(server, q.wire(), true);
        Answer whole = new Answer(full);
        if (whole.dropped() || whole.error != null) {
            return "the same query over TCP got no usable answer (" + whole.describe() + ")";
        }
        Map<String, List<String>> fullSets = whole.rrsets();
        for (Map.Entry<String, List<String>> set : truncated.rrsets().entrySet()) {
            List<String> complete = fullSets.get(set.getKey());
            if (complete != null && !complete.equals(set.getValue())) {
                return "partial RRset " + set.getKey() + ": " + set.getValue().size() + " of " + complete.size() + " records";
            }
        }
        return null;
    }

    /** The explanation of the query that covers this aspect, or null. */
    static Explanation explanation(Query q, String aspect) {
        for (Explanation e : q.explanations()) {
            if (e.covers(aspect)) return e;
        }
        return null;
    }

    static int compare(Server a, Server b, Path corpus) throws Exception {
        List<Query> queries = readCorpus(corpus);
        PrintStream out = System.out;
        int passed = 0, failed = 0, explainedCount = 0;
        List<String> explainedReport = new ArrayList<>();
        List<String> unusedExplanations = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Query q : queries) {
                Future<byte[]> fa = pool.submit(() -> exchange(a, q.wire(), q.tcp()));
                Future<byte[]> fb = pool.submit(() -> exchange(b, q.wire(), q.tcp()));
                Answer ra = new Answer(fa.get());
                Answer rb = new Answer(fb.get());
                // A lone drop may be a lost datagram: ask that server once more before calling it a difference.
                if (ra.dropped() != rb.dropped()) {
                    if (ra.dropped()) ra = new Answer(exchange(a, q.wire(), q.tcp()));
                    else rb = new Answer(exchange(b, q.wire(), q.tcp()));
                }
                List<Difference> diffs = differences(q, ra, rb);
                if (!q.raw()) {
                    String pa = partialRrset(a, q, ra);
                    String pb = partialRrset(b, q, rb);
                    if (pa != null) diffs.add(new Difference("tc.partial", pa, "-"));
                    if (pb != null) diffs.add(new Difference("tc.partial", "-", pb));
                }
                List<Difference> unexplained = new ArrayList<>();
                Set<Explanation> used = new LinkedHashSet<>();
                for (Difference d : diffs) {
                    Explanation e = explanation(q, d.aspect());
                    if (e == null) unexplained.add(d);
                    else used.add(e);
                }
                String where = "line " + q.line() + ": " + q.text();
                if (!unexplained.isEmpty()) {
                    failed++;
                    StringBuilder s = new StringBuilder("DIFF ").append(where).append("\n");
                    for (Difference d : diffs) {
                        s.append("    ").append(d.aspect()).append(": ").append(a.label()).append("=").append(d.a())
                                .append(" | ").append(b.label()).append("=").append(d.b())
                                .append(explanation(q, d.aspect()) != null ? "  (explained)" : "").append("\n");
                    }
                    s.append("  ").append(a.label()).append(": ").append(ra.describe(REPORT_RECORDS).replace("\n", "\n  ")).append("\n");
                    s.append("  ").append(b.label()).append(": ").append(rb.describe(REPORT_RECORDS).replace("\n", "\n  "));
                    out.println(s);
                } else if (!diffs.isEmpty()) {
                    explainedCount++;
                    StringBuilder s = new StringBuilder("EXPLAINED ").append(where);
                    for (Explanation e : used) {
                        s.append("\n    ").append(e.name()).append(": ").append(e.reason());
                    }
                    for (Difference d : diffs) {
                        s.append("\n    ").append(d.aspect()).append(": ").append(a.label()).append("=").append(d.a())
                                .append(" | ").append(b.label()).append("=").append(d.b());
                    }
                    explainedReport.add(s.toString());
                } else {
                    passed++;
                    if (!q.explanations().isEmpty()) unusedExplanations.add(where);
                }
            }
        }
        if (!explainedReport.isEmpty()) {
            out.println("explained differences (implementation choices, not faults):");
            explainedReport.forEach(out::println);
        }
        if (!unusedExplanations.isEmpty()) {
            out.println("explanations no longer needed (the answers now agree; drop the '## NAME' from these lines):");
            unusedExplanations.forEach(l -> out.println("    " + l));
        }
        boolean alive = true;
        for (Server server : List.of(a, b)) {
            if (!answers(server)) {
                out.println("interop: " + server.label() + " at " + server.address() + " stopped answering");
                alive = false;
            }
        }
        out.println("interop: " + passed + " passed, " + failed + " failed, " + explainedCount + " explained");
        out.println(passed + " passed, " + failed + " failed");
        if (!alive) return 3;
        return failed == 0 ? 0 : 1;
    }

    /** Liveness: a plain SOA query for example.com over UDP and TCP both get an answer. */
    static boolean answers(Server server) throws IOException {
        byte[] probe = parseQuery(0, "example.com SOA +id=4242", Map.of()).wire();
        return exchange(server, probe, false) != null && exchange(server, probe, true) != null;
    }

    static int show(Server server, Path corpus) throws IOException {
        for (Query q : readCorpus(corpus)) {
            Answer answer = new Answer(exchange(server, q.wire(), q.tcp()));
            System.out.println("line " + q.line() + ": " + q.text());
            System.out.println("  " + answer.describe().replace("\n", "\n  "));
            String partial = partialRrset(server, q, answer);
            if (partial != null) System.out.println("  " + partial);
        }
        return answers(server) ? 0 : 3;
    }

    // ---------------------------------------------------------------- set-up helpers

    /** Prints N distinct ports that are free on 127.0.0.1 for TCP and for UDP at the same time. */
    static void freePorts(int count) throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; ports.size() < count && attempt < 100; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
                ports.add(udp.getLocalPort());
            } catch (IOException e) {
                // the UDP side of that port is taken: try another
            }
        }
        if (ports.size() < count) {
            throw new IOException("found only " + ports.size() + " of " + count + " free loopback ports");
        }
        for (int port : ports) System.out.println(port);
    }

    // ---------------------------------------------------------------- zone copies for Knot

    /**
     * Copies a master file, replacing each $GENERATE line by the records dnsjava (the parser hpdns
     * loads zones with) generates from it: Knot DNS has no $GENERATE. $ORIGIN and $TTL are tracked
     * so that each generated record is written with its absolute owner and TTL.
     */
    static void expandGenerate(Name origin, Path in, Path out) throws IOException {
        Name current = origin;
        String ttlLine = null;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (String line : Files.readAllLines(in, StandardCharsets.UTF_8)) {
                String t = line.strip();
                String directive = t.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
                if (directive.equals("$ORIGIN")) {
                    current = Name.fromString(t.split("\\s+")[1], current);
                } else if (directive.equals("$TTL")) {
                    ttlLine = t;
                } else if (directive.equals("$GENERATE")) {
                    String text = "$ORIGIN " + current + "\n" + (ttlLine == null ? "" : ttlLine + "\n") + t + "\n";
                    w.write("; expanded from: " + t + "\n");
                    try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), current)) {
                        for (Record rr = master.nextRecord(); rr != null; rr = master.nextRecord()) {
                            w.write(rr + "\n");
                        }
                    }
                    continue;
                }
                w.write(line + "\n");
            }
        }
    }
}
