package io.hpdns.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The warm-up a worker runs before it binds its sockets asks every name of its zones, and a name
 * below each, and every one of those queries is answered (NOERROR or NXDOMAIN, never an error):
 * it exercises the paths real traffic takes.
 */
class QueryPathWarmupTest {

    @Test
    void everyWarmupQueryIsAnswered() {
        CompiledZone parent = EngineFixture.parentZone();
        CompiledZone child = EngineFixture.childZone();
        ServingStateHolder zones = new ServingStateHolder(ServingState.of(List.of(parent, child)));

        int answered = QueryPathWarmup.run(zones, AnswerSettings.defaults());

        assertThat(answered).isEqualTo(2 * (parent.nodeCount() + child.nodeCount()));
    }
}
