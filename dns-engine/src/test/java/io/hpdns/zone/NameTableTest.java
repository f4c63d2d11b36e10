package io.hpdns.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The name tables: {@link NameTable}, which the query path looks names up in, and
 * {@link OwnerTable}, which gathers a zone's owner names while it is read. Both must find every
 * name they hold, from anywhere in a buffer, and no other, however many names they hold.
 */
class NameTableTest {

    @Test
    void everyNameIsFoundFromAnyOffsetAndOthersAreNot() {
        int count = 100_000;
        byte[][] keys = new byte[count][];
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            keys[i] = wire("h" + i + ".example.");
            values[i] = i;
        }
        NameTable<Integer> table = new NameTable<>(keys, values, count);

        for (int i = 0; i < count; i++) {
            byte[] query = wire("x.h" + i + ".example.");
            assertThat(table.get(query, 2, query.length - 2)).isEqualTo(i);
            assertThat(table.get(query, 0, query.length)).isNull();
        }
        assertThat(table.get(wire("h100000.example."), 0, wire("h100000.example.").length)).isNull();
        assertThat(table.get(wire("example."), 0, wire("example.").length)).isNull();
        assertThat(table.values()).hasSize(count).first().isEqualTo(0);
    }

    @Test
    void emptyTableFindsNothing() {
        NameTable<Object> table = new NameTable<>(new byte[0][], new Object[0], 0);

        assertThat(table.get(wire("example."), 0, wire("example.").length)).isNull();
        assertThat(table.values()).isEmpty();
    }

    @Test
    void ownerNamesAreInternedOnceIgnoringCaseAndKeepTheirFirstSpelling() {
        OwnerTable owners = new OwnerTable(0);
        List<Node> added = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            added.add(owners.intern(wire("Host" + i + ".Example."), 0));
        }

        assertThat(owners.size()).isEqualTo(50_000);
        for (int i = 0; i < 50_000; i += 7) {
            byte[] other = wire("x.HOST" + i + ".example.");
            assertThat(owners.intern(other, 2)).isSameAs(added.get(i));
            assertThat(owners.find(other, 2)).isSameAs(added.get(i));
            assertThat(owners.get(i)).isSameAs(added.get(i));
        }
        assertThat(owners.size()).as("interning a name held adds nothing").isEqualTo(50_000);
        assertThat(owners.find(wire("host50000.example."), 0)).isNull();
        Node first = owners.get(0);
        assertThat(first.owner()).isEqualTo(wire("Host0.Example."));
        assertThat(first.key()).isEqualTo(wire("host0.example."));
    }

    @Test
    void nameWrittenInLowercaseIsStoredOnce() {
        Node node = new OwnerTable(16).intern(wire("www.example."), 0);

        assertThat(node.owner()).isSameAs(node.key());
    }

    /** An absolute name in uncompressed wire format. */
    private static byte[] wire(String name) {
        String[] labels = name.split("\\.");
        int length = 1;
        for (String label : labels) {
            length += label.length() + 1;
        }
        byte[] wire = new byte[length];
        int p = 0;
        for (String label : labels) {
            wire[p++] = (byte) label.length();
            for (char c : label.toCharArray()) {
                wire[p++] = (byte) c;
            }
        }
        return wire;
    }
}
