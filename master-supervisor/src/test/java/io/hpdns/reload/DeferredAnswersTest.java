package io.hpdns.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ZoneChanges;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZoneSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A large zone compiled at a start is served from its layout first, and from an image with its
 * answers once they are compiled (docs/architecture.md, "Answers compiled after the first
 * answer"): the same responses octet for octet before and after, the next edit patched as after
 * any compile, and a reload completing what a start left undone.
 */
class DeferredAnswersTest {

    @TempDir
    Path dir;

    private final List<ZoneConfig> configured = new ArrayList<>();
    private Path file;

    private CompileAndFollow compilerAndWorker() {
        return new CompileAndFollow(dir.resolve("state"), () -> List.copyOf(configured));
    }

    /** big.test. with more names than a start compiles with their answers at once. */
    private void writeBigZone(long serial, String www) throws Exception {
        StringBuilder text = new StringBuilder("$ORIGIN big.test.\n$TTL 3600\n")
                .append("@ SOA ns1 hostmaster ").append(serial).append(" 7200 3600 1209600 300\n")
                .append("@ NS ns1\nns1 A 192.0.2.1\nwww A ").append(www).append("\nwww AAAA 2001:db8::80\n")
                .append("mail MX 10 ns1\nsub NS ns.sub\nns.sub A 192.0.2.53\n*.wild TXT \"w\"\n");
        for (int i = 0; i < ZoneCompiler.DEFERRED_ANSWERS_FROM; i++) {
            text.append('h').append(i).append(" A 10.0.").append(i >> 8 & 255).append('.').append(i & 255).append('\n');
        }
        file = dir.resolve("big.test.zone");
        Files.writeString(file, text);
        if (configured.isEmpty()) {
            configured.add(new ZoneConfig(Name.fromString("big.test."), file));
        }
    }

    private static CompiledZone served(CompileAndFollow server) {
        return server.worker().holder().get().zones().getFirst();
    }

    private static Path servedImage(CompileAndFollow server) {
        return server.worker().served().getFirst().image();
    }

    /** The worker's responses to a battery of queries: answers, NODATA, NXDOMAIN, referral, wildcard, DO. */
    private static List<byte[]> responses(CompileAndFollow server) throws Exception {
        QueryProcessor processor = new QueryProcessor(server.worker().holder(), AnswerSettings.defaults());
        Exchange exchange = new Exchange(512);
        List<byte[]> responses = new ArrayList<>();
        String[][] questions = {{"www", "A"}, {"www", "AAAA"}, {"www", "MX"}, {"h4711", "A"}, {"mail", "MX"},
            {"nope", "A"}, {"a.b.sub", "A"}, {"sub", "DS"}, {"x.wild", "TXT"}, {"@", "SOA"}, {"@", "NS"},
            {"h9", "ANY"}};
        for (String[] question : questions) {
            Name name = question[0].equals("@") ? Name.fromString("big.test.")
                    : Name.fromString(question[0], Name.fromString("big.test."));
            Message query = Message.newQuery(Record.newRecord(name, Type.value(question[1]), DClass.IN));
            query.getHeader().setID(4711);
            byte[] wire = query.toWire();
            System.arraycopy(wire, 0, exchange.request(), 0, wire.length);
            exchange.received(wire.length, Protocol.UDP, 0);
            int length = processor.answer(exchange);
            responses.add(Arrays.copyOf(exchange.response(), length));
        }
        return responses;
    }

    @Test
    void largeZoneIsServedFromItsLayoutAtAStartThenFromItsAnswersWithTheSameResponses() throws Exception {
        writeBigZone(1, "192.0.2.80");
        CompileAndFollow server = compilerAndWorker();
        assertThat(server.loadInitial().ok()).isTrue();
        Path laidOut = servedImage(server);
        assertThat(ZoneImage.answersDeferred(laidOut)).isTrue();
        assertThat(server.images().anyAnswersDeferred()).isTrue();
        assertThat(served(server).answersDeferred()).isTrue();
        assertThat(served(server).answersAt(served(server).apex())).as("no answers compiled yet").isNegative();
        List<byte[]> before = responses(server);

        ReloadReport report = server.compileDeferredAnswers();

        assertThat(report.ok()).isTrue();
        assertThat(report.lines()).containsExactly("big.test. unchanged, serial 1");
        Path answered = servedImage(server);
        assertThat(answered).isNotEqualTo(laidOut);
        assertThat(served(server).answersDeferred()).isFalse();
        assertThat(served(server).answersAt(served(server).apex())).as("answers compiled").isNotNegative();
        assertThat(server.images().anyAnswersDeferred()).isFalse();
        assertThat(responses(server)).zipSatisfy(before, (after, was) -> assertThat(after).isEqualTo(was));
        assertThat(ZoneSource.readFor(answered).text()).isEqualTo(Files.readAllBytes(file));
        ZoneChanges changes = ZoneChanges.readFor(answered).orElseThrow();
        assertThat(changes.previousImage()).isEqualTo(laidOut.getFileName().toString());
        assertThat(changes.names()).as("no record changed").isEmpty();
    }

    @Test
    void editAfterTheAnswersAreCompiledIsPatched() throws Exception {
        writeBigZone(1, "192.0.2.80");
        CompileAndFollow server = compilerAndWorker();
        server.loadInitial();
        server.compileDeferredAnswers();
        Path answered = servedImage(server);

        writeBigZone(2, "192.0.2.81");
        assertThat(server.reloadAll().lines()).containsExactly("big.test. loaded, serial 2");

        ZoneChanges changes = ZoneChanges.readFor(servedImage(server)).orElseThrow();
        assertThat(changes.previousImage()).as("patched from the answered image")
                .isEqualTo(answered.getFileName().toString());
        assertThat(changes.names()).hasSize(2); // the apex (its SOA) and www
        assertThat(ZoneReloaderTest.wwwAddress(served(server))).isEqualTo("192.0.2.81");
        assertThat(served(server).answersDeferred()).isFalse();
    }

    @Test
    void editBeforeTheAnswersAreCompiledIsCompiledWholeWithItsAnswers() throws Exception {
        writeBigZone(1, "192.0.2.80");
        CompileAndFollow server = compilerAndWorker();
        server.loadInitial();

        writeBigZone(2, "192.0.2.81");
        assertThat(server.reloadAll().lines()).containsExactly("big.test. loaded, serial 2");

        assertThat(ZoneChanges.readFor(servedImage(server))).as("not a patch").isEmpty();
        assertThat(served(server).answersDeferred()).isFalse();
        assertThat(served(server).answersAt(served(server).apex())).isNotNegative();
        assertThat(ZoneReloaderTest.wwwAddress(served(server))).isEqualTo("192.0.2.81");
    }

    @Test
    void reloadCompilesTheAnswersAStartLeftUndone() throws Exception {
        writeBigZone(1, "192.0.2.80");
        CompileAndFollow server = compilerAndWorker();
        server.loadInitial();

        assertThat(server.reloadAll().lines()).containsExactly("big.test. unchanged, serial 1");

        assertThat(served(server).answersDeferred()).isFalse();
        assertThat(served(server).answersAt(served(server).apex())).isNotNegative();
        assertThat(server.images().anyAnswersDeferred()).isFalse();
    }

    @Test
    void smallZoneIsCompiledWithItsAnswersAtAStart() throws Exception {
        file = dir.resolve("small.test.zone");
        Files.writeString(file, "$ORIGIN small.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                + "@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.80\n");
        configured.add(new ZoneConfig(Name.fromString("small.test."), file));
        CompileAndFollow server = compilerAndWorker();
        server.loadInitial();

        assertThat(served(server).answersDeferred()).isFalse();
        assertThat(served(server).answersAt(served(server).apex())).isNotNegative();
        assertThat(server.images().anyAnswersDeferred()).isFalse();
        assertThat(server.compileDeferredAnswers().lines()).as("nothing deferred, nothing compiled").isEmpty();
    }
}
