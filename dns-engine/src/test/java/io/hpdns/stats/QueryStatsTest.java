package io.hpdns.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.AnswerSettings;
import io.hpdns.query.EngineFixture;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/** Per-thread query counters, summed on read; counts of retired counters are kept. */
class QueryStatsTest {

    private final QueryStats stats = new QueryStats();
    private final ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of(EngineFixture.parentZone())));
    private final Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);

    private void ask(QueryProcessor processor, String name, int type, Protocol protocol) {
        byte[] query = EngineFixture.query(name, type, DClass.IN).toWire();
        EngineFixture.answer(processor, exchange, query, query.length, protocol);
    }

    @Test
    void countsByProtocolTypeAndRcodeSummedOverProcessors() {
        QueryProcessor udp = new QueryProcessor(holder, AnswerSettings.defaults(), stats.newCounters());
        QueryProcessor tcp = new QueryProcessor(holder, AnswerSettings.defaults(), stats.newCounters());

        ask(udp, "example.org.", Type.A, Protocol.UDP);
        ask(udp, "nope.example.org.", Type.AAAA, Protocol.UDP);
        ask(tcp, "www.example.com.", Type.CAA, Protocol.TCP);
        EngineFixture.answer(udp, exchange, new byte[5], 5, Protocol.UDP);

        QueryStatsSnapshot s = stats.snapshot();
        assertThat(s.queries(Protocol.UDP)).isEqualTo(3);
        assertThat(s.queries(Protocol.TCP)).isEqualTo(1);
        assertThat(s.qtype(Type.A)).isEqualTo(1);
        assertThat(s.qtype(Type.AAAA)).isEqualTo(1);
        assertThat(s.qtypeAbove255()).isEqualTo(1);
        assertThat(s.rcode(0)).isEqualTo(1);
        assertThat(s.rcode(3)).isEqualTo(1);
        assertThat(s.rcode(5)).isEqualTo(1);
        assertThat(s.dropped()).isEqualTo(1);
        assertThat(s.truncated()).isZero();
    }

    @Test
    void retiredCountersStillCount() {
        QueryProcessor connection = new QueryProcessor(holder, AnswerSettings.defaults(), stats.newCounters());
        ask(connection, "example.org.", Type.A, Protocol.TCP);

        connection.retire();
        connection.retire();

        assertThat(stats.snapshot().queries(Protocol.TCP)).isEqualTo(1);
    }
}
