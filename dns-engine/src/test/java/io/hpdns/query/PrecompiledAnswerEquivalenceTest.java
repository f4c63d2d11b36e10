package io.hpdns.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.CompiledZoneWriter;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precompiled answers are the reference path's bytes (DESIGN §2): every query kind over whole
 * zones — conf/zones/example.com with its child sub.example.com, the engine's test zones, and a
 * generated zone with every kind of name — is answered by a processor that uses the zones'
 * precompiled answers and by one that looks up and writes each response record by record, and
 * the two responses must be identical to the octet. Names are every name of the zone, a name
 * below each (NXDOMAIN, wildcard, referral or DNAME), and each in mixed case (0x20); types are
 * the common ones, ANY, a type no zone has and the compiler's own probe type; queries go with and
 * without EDNS, with DO, RD and CD, NSID and keepalive options, QCLASS ANY, over TCP, over UDP with
 * payload sizes small enough to truncate, and TSIG-signed.
 */
class PrecompiledAnswerEquivalenceTest {

    private final QueryBattery battery = new QueryBattery();

    @Test
    void exampleZoneAndItsChildAnswerAlikeOnBothPaths() {
        Path zones = Path.of("..", "conf", "zones");
        CompiledZone parent = EngineFixture.load(EngineFixture.name("example.com."), zones.resolve("example.com.zone"));
        CompiledZone child = EngineFixture.load(EngineFixture.name("sub.example.com."), zones.resolve("sub.example.com.zone"));

        Coverage coverage = compare(parent, child);

        assertThat(coverage.precompiled).as("answers from precompiled bytes").isGreaterThan(coverage.queries / 4);
    }

    @Test
    void engineTestZonesAnswerAlikeOnBothPaths() {
        CompiledZone[] zones = {
            EngineFixture.parentZone(), EngineFixture.childZone(),
            EngineFixture.zone("apex-dname.example.", "apex-dname.example.zone"),
            EngineFixture.zone("loop.example.", "loop.example.zone"),
            EngineFixture.zone("negttl.example.", "negttl.example.zone"),
            EngineFixture.zone("huge.example.", "huge.example.zone"),
            Rfc4035DnssecTest.ZONE,
            Rfc5155Nsec3Test.ZONE,
            Rfc5155Nsec3Test.OPT_OUT,
            // Its SOA names a hashed owner name: proofs of that owner are compressed against it.
            EngineFixture.zone("hashsoa.example.", "signed/hashsoa.example.zone"),
        };

        Coverage coverage = compare(zones);

        assertThat(coverage.precompiled).as("answers from precompiled bytes").isGreaterThan(coverage.queries / 4);
    }

    @Test
    void nsec3DenialsWildcardAnswersAndReferralsBelowCutsToDoAreWrittenWithoutTheNameCompressor() {
        ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of(Rfc5155Nsec3Test.ZONE)));
        QueryProcessor fast = QueryBattery.processors(holder, true).getFirst();
        Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
        // NXDOMAIN below the apex and below an empty non-terminal, an answer from *.wild, and
        // referrals of names below a signed and an unsigned delegation.
        for (String name : List.of("nowhere.nsec3.example.", "a.b.ent.nsec3.example.", "x.wild.nsec3.example.",
                "www.child.nsec3.example.", "a.b.insecure.nsec3.example.")) {
            Message query = Message.newQuery(Record.newRecord(EngineFixture.name(name), Type.A, DClass.IN));
            query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
            byte[] wire = query.toWire();
            long before = fast.precompiledAnswered();

            EngineFixture.answer(fast, exchange, wire, wire.length, Protocol.UDP);

            assertThat(fast.precompiledAnswered()).as(name).isEqualTo(before + 1);
        }
    }

    @Test
    void generatedZoneAnswersAlikeOnBothPaths(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 240);
        CompiledZone zone = EngineFixture.load(EngineFixture.name("gen.test."), file);

        Coverage coverage = compare(zone);

        assertThat(coverage.precompiled).as("answers from precompiled bytes").isGreaterThan(coverage.queries / 3);
    }

    @Test
    void answersCompiledInSlicesOnSeveralThreadsAreTheSame(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 240);
        Zone plain = ZoneLoader.load(EngineFixture.name("gen.test."), file).zone();

        Coverage coverage = compare(AnswerCompiler.compile(plain, null, 3));

        assertThat(coverage.precompiled).as("answers from precompiled bytes").isGreaterThan(coverage.queries / 3);
    }

    @Test
    void zoneWithoutCompiledAnswersIsAnsweredByTheWriter() {
        Zone plain = ZoneLoader.load(EngineFixture.name("example.org."), EngineFixture.zoneFile("example.org.zone")).zone();

        Coverage coverage = compare(CompiledZoneWriter.write(plain));

        assertThat(coverage.queries).isPositive();
        assertThat(coverage.precompiled).isZero();
    }

    /** How many queries were compared, and how many of them the fast path answered. */
    private static final class Coverage {
        long queries;
        long precompiled;
    }

    /**
     * Asks every query kind of the {@link QueryBattery} for every name of the zones (and names below
     * them) of both paths, over the same serving state, and fails at the first response that differs.
     */
    private Coverage compare(CompiledZone... zones) {
        ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of(zones)));
        List<QueryProcessor> fast = QueryBattery.processors(holder, true);
        List<QueryProcessor> reference = QueryBattery.processors(holder, false);
        Coverage coverage = new Coverage();
        coverage.queries = battery.compare(QueryBattery.names(zones), "reference", reference, "precompiled", fast);
        coverage.precompiled = QueryBattery.precompiledAnswered(fast);
        assertThat(QueryBattery.precompiledAnswered(reference)).isZero();
        return coverage;
    }
}
