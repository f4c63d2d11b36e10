package io.hpdns.query;

import io.hpdns.stats.QueryCounters;
import io.hpdns.tsig.TsigKey;
import io.hpdns.tsig.TsigKeys;
import io.hpdns.wire.WireNames;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TcpKeepaliveOption;
import org.xbill.DNS.Type;

/**
 * Every query kind, asked of two sets of processors that must answer each one identically to the
 * octet: for each name, the common types, ANY, a type no zone has and the answer compiler's probe
 * type; with and without EDNS, with DO, RD and CD, NSID and keepalive options, QCLASS ANY, over
 * TCP, over UDP with payload sizes small enough to truncate, and TSIG-signed; half of them with the
 * name in mixed case (0x20), under each server setting in turn. Also the zone with every kind of
 * name that such comparisons run over.
 */
public final class QueryBattery {

    private static final int CAA = 257;
    private static final int[] TYPES = {
        Type.A, Type.AAAA, Type.NS, Type.SOA, Type.MX, Type.TXT, Type.CNAME, Type.DS, Type.ANY, Type.SRV,
        Type.DNAME, Type.RRSIG, Type.NSEC, Type.DNSKEY, Type.NSEC3, Type.NSEC3PARAM, CAA, 65280, 0xFFFE
    };
    private static final byte[] NSID = "ns1.equivalence.test".getBytes(StandardCharsets.US_ASCII);
    private static final TsigKey KEY = new TsigKey(EngineFixture.name("transfer-key."), TSIG.HMAC_SHA256,
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    /** One way of asking: transport, EDNS and its options, header flags, class. */
    private record Variant(String label, Protocol protocol, int payloadSize, boolean dnssecOk, boolean nsid,
                           boolean keepalive, boolean rdCd, int dclass) {
        static final int NO_EDNS = -1;
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("UDP", Protocol.UDP, Variant.NO_EDNS, false, false, false, false, DClass.IN),
            new Variant("UDP EDNS 1232", Protocol.UDP, 1232, false, false, false, false, DClass.IN),
            new Variant("UDP EDNS 4096 DO RD CD", Protocol.UDP, 4096, true, false, false, true, DClass.IN),
            new Variant("UDP EDNS 512", Protocol.UDP, 512, false, false, false, false, DClass.IN),
            new Variant("UDP EDNS 1232 NSID", Protocol.UDP, 1232, false, true, false, true, DClass.IN),
            new Variant("UDP class ANY", Protocol.UDP, Variant.NO_EDNS, false, false, false, true, DClass.ANY),
            new Variant("TCP", Protocol.TCP, Variant.NO_EDNS, false, false, false, false, DClass.IN),
            new Variant("TCP EDNS keepalive NSID DO", Protocol.TCP, 65535, true, true, true, false, DClass.IN));

    private static final List<AnswerSettings> SETTINGS = List.of(
            new AnswerSettings(1232, "ns1", null, NSID),
            new AnswerSettings(4096, null, null, null),
            new AnswerSettings(512, null, null, NSID));

    private final Random random = new Random(20261130);

    /**
     * One processor per server setting over the zones of {@code holder}, with TCP keepalive and the
     * battery's TSIG key: answering from the zones' precompiled answers or, when
     * {@code precompiled} is false, looking up and writing every response record by record.
     */
    public static List<QueryProcessor> processors(ServingStateHolder holder, boolean precompiled) {
        List<QueryProcessor> processors = new ArrayList<>();
        for (AnswerSettings settings : SETTINGS) {
            QueryProcessor p = new QueryProcessor(holder, settings, QueryCounters.unregistered(), precompiled);
            p.tcpKeepalive(70);
            p.tsigKeys(TsigKeys.of(List.of(KEY)));
            processors.add(p);
        }
        return processors;
    }

    /** How many of their answers the processors copied from precompiled answers. */
    public static long precompiledAnswered(List<QueryProcessor> processors) {
        long answered = 0;
        for (QueryProcessor p : processors) {
            answered += p.precompiledAnswered();
        }
        return answered;
    }

    /**
     * Every name of the zones and a name below each (NXDOMAIN, wildcard, referral or DNAME), in the
     * zones' order.
     */
    public static Set<String> names(CompiledZone... zones) {
        Set<String> names = new LinkedHashSet<>();
        for (CompiledZone zone : zones) {
            for (long node = zone.firstNode(); node < zone.nodesEnd(); node = zone.nextNode(node)) {
                byte[] name = new byte[zone.ownerLength(node)];
                zone.copyOwner(node, name, 0);
                String owner = WireNames.toString(name, 0);
                names.add(owner);
                names.add("zz." + owner);
            }
        }
        return names;
    }

    /**
     * Asks every query of the battery for each name of both sets of {@link #processors}, and fails
     * at the first response that differs.
     *
     * @return the number of queries asked
     */
    public long compare(Collection<String> names, String expectedLabel, List<QueryProcessor> expected,
                        String actualLabel, List<QueryProcessor> actual) {
        Exchange expectedExchange = new Exchange(Exchange.MAX_MESSAGE);
        Exchange actualExchange = new Exchange(Exchange.MAX_MESSAGE);
        byte[] expectedOut = expectedExchange.response();
        byte[] actualOut = actualExchange.response();
        long queries = 0;
        int turn = 0;
        for (String name : names) {
            for (int type : TYPES) {
                for (int v = 0; v < VARIANTS.size(); v++) {
                    Variant variant = VARIANTS.get(v);
                    int s = turn++ % SETTINGS.size();
                    Message query = query(v % 2 == 0 ? name : mixedCase(name), type, variant);
                    byte[] wire = query.toWire();
                    int expectedLength = EngineFixture.answer(expected.get(s), expectedExchange, wire, wire.length, variant.protocol());
                    int actualLength = EngineFixture.answer(actual.get(s), actualExchange, wire, wire.length, variant.protocol());
                    assertSame(query, variant, SETTINGS.get(s), expectedLabel, expectedOut, expectedLength,
                            actualLabel, actualOut, actualLength, 0);
                    queries++;
                }
            }
            int s = turn++ % SETTINGS.size();
            Message signed = query(mixedCase(name), Type.A, VARIANTS.get(1));
            KEY.signer().apply(signed, null);
            byte[] wire = signed.toWire();
            int expectedLength = EngineFixture.answer(expected.get(s), expectedExchange, wire, wire.length, Protocol.UDP);
            int actualLength = EngineFixture.answer(actual.get(s), actualExchange, wire, wire.length, Protocol.UDP);
            // The TSIG records carry the time each was signed at; the messages they sign must match.
            assertSame(signed, VARIANTS.get(1), SETTINGS.get(s), expectedLabel, expectedOut, expectedLength,
                    actualLabel, actualOut, actualLength, tsigLength(expectedOut, expectedLength));
            queries++;
        }
        return queries;
    }

    private Message query(String name, int type, Variant variant) {
        Message query = new Message(random.nextInt(0x10000));
        if (variant.rdCd()) {
            query.getHeader().setFlag(Flags.RD);
            query.getHeader().setFlag(Flags.CD);
        }
        query.addRecord(Record.newRecord(EngineFixture.name(name), type, variant.dclass()), Section.QUESTION);
        if (variant.payloadSize() != Variant.NO_EDNS) {
            List<EDNSOption> options = new ArrayList<>();
            if (variant.nsid()) {
                options.add(new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0]));
            }
            if (variant.keepalive()) {
                options.add(new TcpKeepaliveOption());
            }
            query.addRecord(new OPTRecord(variant.payloadSize(), 0, 0, variant.dnssecOk() ? ExtendedFlags.DO : 0,
                    options), Section.ADDITIONAL);
        }
        return query;
    }

    /** The name with each ASCII letter's case flipped at random (RFC 4343, "0x20" queries). */
    private String mixedCase(String name) {
        StringBuilder mixed = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            mixed.append(Character.isLetter(c) && random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return mixed.toString();
    }

    private static int tsigLength(byte[] response, int length) {
        try {
            Message message = new Message(Arrays.copyOf(response, length));
            return message.getTSIG() == null ? 0 : message.getTSIG().toWire(Section.ADDITIONAL).length;
        } catch (IOException e) {
            throw new AssertionError("signed response does not parse: " + EngineFixture.hex(response, length), e);
        }
    }

    private static void assertSame(Message query, Variant variant, AnswerSettings settings,
                                   String expectedLabel, byte[] expected, int expectedLength,
                                   String actualLabel, byte[] actual, int actualLength, int unsignedTail) {
        boolean same = expectedLength == actualLength
                && (expectedLength < 0 || Arrays.equals(expected, 0, expectedLength - unsignedTail,
                        actual, 0, actualLength - unsignedTail));
        if (!same) {
            throw new AssertionError(actualLabel + " and " + expectedLabel + " responses differ\nquery ("
                    + variant.label() + ", server EDNS size " + settings.ednsUdpSize() + "):\n" + query
                    + "\n" + actualLabel + ": " + describe(actual, actualLength)
                    + "\n" + expectedLabel + ": " + describe(expected, expectedLength));
        }
    }

    private static String describe(byte[] response, int length) {
        if (length < 0) {
            return "dropped (" + length + ")";
        }
        String hex = EngineFixture.hex(response, length);
        try {
            return hex + "\n" + new Message(Arrays.copyOf(response, length));
        } catch (IOException e) {
            return hex + " (does not parse: " + e.getMessage() + ")";
        }
    }

    /** TXT rdata of {@code length} octets, as character-strings of up to 200 octets. */
    private static String txtOfLength(int length) {
        StringBuilder txt = new StringBuilder();
        for (int left = length; left > 0; ) {
            int chunk = Math.min(200, left - 1);
            txt.append('"').append("x".repeat(chunk)).append("\" ");
            left -= chunk + 1;
        }
        return txt.toString();
    }

    /**
     * A zone with every kind of name, in kinds cycling over {@code n} names: plain data, several
     * RRsets, CNAMEs in and out of the zone and to missing, wildcard and delegated names, MX and SRV
     * with in-zone targets, delegations with glue and DS, empty non-terminals, DNAMEs, owner names
     * in upper case, RRsets too big for 512 octets, answers of every size around the size limits, and
     * names below the SOA's MNAME and RNAME.
     */
    public static void writeGeneratedZone(Path file, int n) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("$ORIGIN gen.test.");
            out.println("$TTL 3600");
            out.println("@ SOA ns1 hostmaster.gen.test. 1 7200 3600 1209600 300");
            out.println("@ NS ns1");
            out.println("@ NS ns2.other.test.");
            out.println("@ MX 10 mail");
            out.println("@ TXT \"apex\"");
            out.println("ns1 A 192.0.2.1");
            out.println("ns1 AAAA 2001:db8::1");
            out.println("www.ns1 A 192.0.2.2"); // below the MNAME: negative answers point into the question
            out.println("hostmaster TXT \"below the RNAME's label\"");
            out.println("x.hostmaster A 192.0.2.3");
            out.println("mail A 192.0.2.4");
            out.println("*.wild A 192.0.2.5");
            out.println("*.wild MX 10 mail");
            out.println("exists.wild AAAA 2001:db8::5");
            out.println("*.wcname CNAME mail");
            out.println("*.deleg NS ns.deleg"); // not a wildcard delegation served from below a cut
            String longLabel = "l".repeat(60);
            out.println(longLabel + "." + longLabel + "." + longLabel + ".long A 192.0.2.6");
            // TXT RRsets whose answers step one octet at a time across the UDP limits with and
            // without room for the OPT record (and the NSID option), and across the compiled size.
            for (int limit : new int[] {512, 1232, AnswerCompiler.MAX_COMPILED}) {
                for (int size = limit - 90; size <= limit - 10; size++) {
                    out.println("s" + size + " TXT " + txtOfLength(size - 40));
                }
            }
            for (int i = 0; i < n; i++) {
                int k = i % 16;
                int base = i - k;
                String ip = "10.0." + (i >>> 8) + "." + (i & 255);
                String h = "h" + i;
                switch (k) {
                    case 0 -> out.println(h + " A " + ip);
                    case 1 -> out.println(h + " A " + ip + "\n" + h + " AAAA 2001:db8::" + Integer.toHexString(i)
                            + "\n" + h + " TXT \"text of " + h + "\"");
                    case 2 -> out.println(h + " CNAME h" + base);
                    case 3 -> out.println(h + " CNAME c" + i + ".other.test.");
                    case 4 -> out.println(h + " MX 10 h" + base + "\n" + h + " MX 20 mail.other.test.\n" + h
                            + " MX 30 h" + (base + 1));
                    case 5 -> out.println(h + " NS ns." + h + "\n" + h + " NS ns.other.test.\nns." + h + " A " + ip
                            + "\nns." + h + " AAAA 2001:db8:1::" + Integer.toHexString(i) + "\n" + h
                            + " DS 12345 13 2 2BB183AF5F22588179A53B0A98631FAD1A292118A3A4D1DE7AC7F3A2A6F4E5C1");
                    case 6 -> out.println("a.b." + h + " A " + ip);
                    case 7 -> out.println(h + " DNAME t" + i + ".gen.test.\nt" + i + " A " + ip + "\nx.t" + i
                            + " AAAA 2001:db8:2::" + Integer.toHexString(i));
                    case 8 -> out.println(h + " CNAME missing" + i);
                    case 9 -> out.println(h + " CNAME w" + i + ".wild");
                    case 10 -> out.println(h + " SRV 0 0 53 h" + base + "\n" + h + " SRV 1 0 53 h" + (base + 1));
                    case 11 -> out.println("H" + i + "-Upper A " + ip + "\nMiXeD.H" + i + "-Upper TXT \"case\"\nH" + i
                            + "-Upper HTTPS 1 h" + base + " alpn=h2");
                    case 12 -> {
                        for (int r = 0; r < 12; r++) {
                            out.println(h + " TXT \"record " + r + " of an RRset bigger than 512 octets when answered\"");
                        }
                    }
                    case 13 -> out.println(h + " CNAME h" + (base + 8)); // to a dangling CNAME
                    case 14 -> out.println(h + " CNAME h" + (base + 5)); // to a delegation
                    default -> {
                        out.println(h + " NS ns1." + h + "\n" + h + " NS ns1"); // glue and an in-zone server
                        out.println("ns1." + h + " A " + ip);
                        out.println("deep.ns1." + h + " A " + ip); // occluded below the cut
                    }
                }
            }
        }
    }
}
