package io.hpdns.zone;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.EngineFixture;
import io.hpdns.query.Reply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A reload publishes a complete new {@link ServingState} with one atomic store (DESIGN.md §3); the
 * same query processor answers the next query from it, with no restart and no mix of old and new.
 */
class ServingStatePublishTest {

    @Test
    void nextQueryIsAnsweredFromThePublishedState() {
        EngineFixture engine = EngineFixture.parentOnly();
        assertThat(engine.ask("www.child.example.org.", Type.A).flag(Flags.AA)).as("a referral before").isFalse();

        engine.publish(EngineFixture.parentZone(), EngineFixture.childZone());

        Reply reply = engine.ask("www.child.example.org.", Type.A);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly("www.child.example.org. 3600 IN A 192.0.2.210");
    }

    @Test
    void zoneLeftOutOfThePublishedStateIsNoLongerServed() {
        EngineFixture engine = EngineFixture.parentAndChild();

        engine.publish(EngineFixture.childZone());

        assertThat(engine.ask("www.example.org.", Type.A).rcode()).isEqualTo(Rcode.REFUSED);
        assertThat(engine.ask("www.child.example.org.", Type.A).rcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void readersOnOtherThreadsSeeTheOldStateOrTheNewOneNeverAMix() throws Exception {
        // DESIGN.md §3: readers never block and never see a mix; each answer is wholly one state's
        EngineFixture writer = EngineFixture.parentOnly();
        int threads = 3;
        int queriesPerThread = 3000;
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Set<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                EngineFixture reader = writer.anotherThread();
                results.add(pool.submit(() -> {
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < queriesPerThread; i++) {
                        Reply reply = reader.ask("www.child.example.org.", Type.A);
                        seen.add(reply.flag(Flags.AA) + " " + reply.answer() + " " + reply.authority());
                    }
                    return seen;
                }));
            }
            Thread publisher = Thread.ofPlatform().start(() -> {
                boolean withChild = false;
                while (!done.get()) {
                    withChild = !withChild;
                    if (withChild) {
                        writer.publish(EngineFixture.parentZone(), EngineFixture.childZone());
                    } else {
                        writer.publish(EngineFixture.parentZone());
                    }
                }
            });
            Set<String> seen = new HashSet<>();
            for (Future<Set<String>> result : results) {
                seen.addAll(result.get(60, TimeUnit.SECONDS));
            }
            done.set(true);
            publisher.join(10_000);

            String referral = "false [] [child.example.org. 3600 IN NS ns1.child.example.org., "
                    + "child.example.org. 3600 IN NS ns2.child.example.org.]";
            String referralOtherOrder = "false [] [child.example.org. 3600 IN NS ns2.child.example.org., "
                    + "child.example.org. 3600 IN NS ns1.child.example.org.]";
            String childAnswer = "true [www.child.example.org. 3600 IN A 192.0.2.210] []";
            assertThat(seen).isSubsetOf(referral, referralOtherOrder, childAnswer);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void emptyStateRefusesEverything() {
        EngineFixture engine = EngineFixture.parentOnly();

        engine.publish();

        Reply reply = engine.ask("www.example.org.", Type.A);
        assertThat(reply.rcode()).isEqualTo(Rcode.REFUSED);
        assertThat(reply.answer()).isEmpty();
    }
}
