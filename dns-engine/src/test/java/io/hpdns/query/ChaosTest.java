package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Server identification in class CHAOS (RFC 4892 §2.2 for id.server; hostname.bind and
 * version.bind by BIND convention, version.server as Knot DNS answers it). Hidden values and every
 * other CHAOS name are refused.
 */
class ChaosTest {

    private static final String IDENTITY = "ns1.hpdns.test";
    private static final String VERSION = "hpdns 0.1.0";

    private final EngineFixture revealing = EngineFixture.serving(
            new AnswerSettings(1232, IDENTITY, VERSION, null), EngineFixture.parentZone());
    private final EngineFixture hiding = EngineFixture.serving(
            new AnswerSettings(1232, null, null, null), EngineFixture.parentZone());

    @ParameterizedTest
    @ValueSource(strings = {"id.server.", "hostname.bind.", "ID.SERVER.", "HostName.Bind."})
    void identityNamesAnswerTheIdentity(String qname) {
        Reply reply = revealing.udp(query(qname, Type.TXT, DClass.CH));

        assertChaosTxt(reply, qname, IDENTITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"version.bind.", "version.server.", "VERSION.BIND."})
    void versionNamesAnswerTheVersion(String qname) {
        Reply reply = revealing.udp(query(qname, Type.TXT, DClass.CH));

        assertChaosTxt(reply, qname, VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id.server.", "hostname.bind.", "version.bind.", "version.server."})
    void hiddenValuesAreRefused(String qname) {
        Reply reply = hiding.udp(query(qname, Type.TXT, DClass.CH));

        assertRefused(reply, qname);
    }

    @ParameterizedTest
    @ValueSource(strings = {"authors.bind.", "server.", "bind.", "www.example.org.", "x.id.server.", "example.org."})
    void otherChaosNamesAreRefused(String qname) {
        Reply reply = revealing.udp(query(qname, Type.TXT, DClass.CH));

        assertRefused(reply, qname);
    }

    @ParameterizedTest
    @ValueSource(ints = {Type.A, Type.ANY, Type.NS})
    void identityNamesWithATypeOtherThanTxtAreRefused(int type) {
        Reply reply = revealing.udp(query("id.server.", type, DClass.CH));

        assertRefused(reply, "id.server.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id.server.", "version.bind."})
    void identityNamesInClassInAreNotSpecial(String qname) {
        // the names are only special in class CH; in IN they are ordinary names outside every zone
        Reply reply = revealing.udp(query(qname, Type.TXT, DClass.IN));

        assertRefused(reply, qname);
    }

    private static void assertChaosTxt(Reply reply, String qname, String text) {
        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.records(Section.ANSWER)).singleElement().satisfies(record -> {
            assertThat(record.getName().toString()).isEqualTo(qname);
            assertThat(record.getType()).isEqualTo(Type.TXT);
            assertThat(record.getDClass()).isEqualTo(DClass.CH);
            assertThat(((TXTRecord) record).getStrings()).containsExactly(text);
        });
        assertThat(reply.authority()).isEmpty();
    }

    private static void assertRefused(Reply reply, String qname) {
        assertThat(reply.rcode()).isEqualTo(Rcode.REFUSED);
        Record question = reply.question();
        assertThat(question.getName().toString()).isEqualTo(qname);
        assertThat(reply.count(Section.ANSWER)).isZero();
        assertThat(reply.count(Section.AUTHORITY)).isZero();
    }
}
