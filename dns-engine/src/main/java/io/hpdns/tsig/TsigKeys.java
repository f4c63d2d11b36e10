package io.hpdns.tsig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/** The TSIG keys this server knows, by name (names compare case-insensitively, RFC 4343). Immutable. */
public final class TsigKeys {

    public static final TsigKeys NONE = new TsigKeys(List.of());

    private final List<TsigKey> keys;
    private final Map<Name, TsigKey> byName = new HashMap<>();

    private TsigKeys(List<TsigKey> keys) {
        this.keys = List.copyOf(keys);
        for (TsigKey key : this.keys) {
            if (byName.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("TSIG key " + key.name() + " is given twice");
            }
        }
    }

    /** @throws IllegalArgumentException when two keys have the same name */
    public static TsigKeys of(List<TsigKey> keys) {
        return keys.isEmpty() ? NONE : new TsigKeys(keys);
    }

    /** The key with this name, or null. */
    public TsigKey find(Name name) {
        return byName.get(name);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public List<TsigKey> all() {
        return keys;
    }

    @Override
    public String toString() {
        return keys.toString();
    }
}
