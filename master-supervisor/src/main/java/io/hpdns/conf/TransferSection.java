package io.hpdns.conf;

import static io.hpdns.conf.ConfigNodes.describe;
import static io.hpdns.conf.ConfigNodes.line;
import static io.hpdns.conf.ConfigNodes.listOrOne;
import static io.hpdns.conf.ConfigNodes.scalarText;
import static io.hpdns.conf.ConfigNodes.value;

import io.hpdns.notify.NotifyTargets;
import io.hpdns.server.ListenAddress;
import io.hpdns.tsig.TsigKey;
import io.hpdns.tsig.TsigKeys;
import io.hpdns.xfr.AddressRange;
import io.hpdns.xfr.TransferAcl;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.xbill.DNS.Name;

/**
 * The configuration that zone transfers and NOTIFY need: the {@code keys} list (TSIG, RFC 8945)
 * and, per zone, the {@code transfer} access list and the {@code notify} targets, which name those
 * keys.
 */
final class TransferSection {
    private static final List<String> TRANSFER_KEYS = List.of("allow", "keys");
    private static final List<String> KEY_KEYS = List.of("name", "algorithm", "secret");
    /** RFC 8945 §6: the HMAC algorithms a key may use (hmac-md5 and GSS-TSIG are not offered). */
    private static final List<String> ALGORITHMS =
            List.of("hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");

    private final ConfigNodes nodes;
    /** The keys that read without errors, by name. */
    private final Map<Name, TsigKey> keys = new LinkedHashMap<>();
    /** Every key name given, even with a bad secret, so references to it are not reported twice. */
    private final Set<Name> keyNames = new LinkedHashSet<>();

    TransferSection(ConfigNodes nodes) {
        this.nodes = nodes;
    }

    TsigKeys keys() {
        return TsigKeys.of(List.copyOf(keys.values()));
    }

    /**
     * The {@code keys} list: {@code { name, algorithm, secret }} each. A secret is never echoed in
     * a message, not even when it is malformed.
     */
    void readKeys(Node node) {
        if (node == null) {
            return;
        }
        if (!(node instanceof SequenceNode seq)) {
            nodes.problem(line(node), "keys: expected a list of { name: ..., algorithm: hmac-sha256, secret: BASE64 }, got "
                    + (node instanceof ScalarNode ? "text" : describe(node)));
            return;
        }
        Map<Name, Integer> firstLine = new HashMap<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            String where = "keys[" + i + "]";
            Map<String, NodeTuple> key = nodes.mapping(items.get(i), where, KEY_KEYS);
            if (key == null) {
                continue;
            }
            Node nameNode = nodes.required(key, "name", where, items.get(i));
            Node algorithmNode = nodes.required(key, "algorithm", where, items.get(i));
            Node secretNode = nodes.required(key, "secret", where, items.get(i));
            Name name = nameNode == null ? null : nodes.zoneName(nameNode, where + ".name");
            Name algorithm = algorithmNode == null ? null : algorithm(algorithmNode, where + ".algorithm");
            byte[] secret = secretNode == null ? null : secret(secretNode, where + ".secret");
            if (name == null) {
                continue;
            }
            keyNames.add(name);
            Integer first = firstLine.putIfAbsent(name, line(nameNode));
            if (first != null) {
                nodes.problem(line(nameNode), where + ".name: key " + name + " is already defined at line " + first
                        + "; each key name may appear once");
                continue;
            }
            if (algorithm != null && secret != null) {
                keys.put(name, new TsigKey(name, algorithm, secret));
            }
        }
    }

    private Name algorithm(Node node, String where) {
        String text = scalarText(node);
        String lower = text == null ? null : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (lower != null && lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower == null || !ALGORITHMS.contains(lower)) {
            nodes.problem(line(node), where + ": expected one of " + String.join(", ", ALGORITHMS) + ", got " + describe(node));
            return null;
        }
        return org.xbill.DNS.TSIG.algorithmToName(lower);
    }

    private byte[] secret(Node node, String where) {
        String text = scalarText(node);
        if (text == null) {
            nodes.problem(line(node), where + ": expected the secret in base64 (e.g. from `keymgr -t NAME`), got "
                    + (node instanceof ScalarNode ? "nothing" : describe(node)));
            return null;
        }
        try {
            byte[] secret = Base64.getDecoder().decode(text.trim());
            if (secret.length > 0) {
                return secret;
            }
        } catch (IllegalArgumentException e) {
            // reported below, without the value
        }
        nodes.problem(line(node), where + ": not a valid base64 secret (the value is not shown); generate one with "
                + "`keymgr -t NAME hmac-sha256` or `head -c 32 /dev/urandom | base64`");
        return null;
    }

    /** A zone's {@code transfer: { allow: [...], keys: [...] }}; null when it has errors. */
    TransferAcl transferAcl(Node node, String where) {
        Map<String, NodeTuple> transfer = nodes.mapping(node, where, TRANSFER_KEYS);
        if (transfer == null) {
            return null;
        }
        int before = nodes.problemCount();
        List<AddressRange> allow = new ArrayList<>();
        for (Node item : listOrOne(value(transfer, "allow"))) {
            String text = scalarText(item);
            try {
                if (text == null) {
                    throw new IllegalArgumentException("expected an address or prefix such as \"192.0.2.0/24\" or "
                            + "\"::1\", got " + describe(item));
                }
                allow.add(AddressRange.parse(text));
            } catch (IllegalArgumentException e) {
                nodes.problem(line(item), where + ".allow: " + e.getMessage());
            }
        }
        List<Name> signers = new ArrayList<>();
        for (Node item : listOrOne(value(transfer, "keys"))) {
            Name name = nodes.zoneName(item, where + ".keys");
            if (name == null) {
                continue;
            }
            if (!keyNames.contains(name)) {
                nodes.problem(line(item), where + ".keys: no key named " + name + " in the keys section ("
                        + (keyNames.isEmpty() ? "there are none" : "defined: " + keyNames) + ")");
                continue;
            }
            signers.add(name);
        }
        if (allow.isEmpty() && signers.isEmpty() && nodes.problemCount() == before) {
            nodes.problem(line(node), where + ": needs allow (addresses) or keys (TSIG key names), or both; "
                    + "leave transfer out to refuse every transfer of the zone");
        }
        return nodes.problemCount() == before ? new TransferAcl(allow, signers) : null;
    }

    /**
     * A zone's {@code notify: [ADDR:PORT, ...]} (RFC 1996: its secondaries) and the
     * {@code notify-key} that signs the NOTIFYs; null when they have errors.
     */
    NotifyTargets notifyTargets(Node node, Node keyNode, String where) {
        int before = nodes.problemCount();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Node item : listOrOne(node)) {
            String text = scalarText(item);
            try {
                if (text == null) {
                    throw new IllegalArgumentException("expected a secondary's ADDR:PORT such as \"192.0.2.2:53\" or "
                            + "\"[::1]:53\", got " + describe(item));
                }
                ListenAddress address = ListenAddress.parse(text);
                if (address.address() == null || address.address().isAnyLocalAddress() || address.port() == 0) {
                    throw new IllegalArgumentException("\"" + text + "\" is not a secondary's address: give its "
                            + "address and port, such as \"192.0.2.2:53\"");
                }
                addresses.add(new InetSocketAddress(address.address(), address.port()));
            } catch (IllegalArgumentException e) {
                // ListenAddress's message speaks of a listen address; this one is a secondary's.
                nodes.problem(line(item), where + ".notify: " + e.getMessage().replaceFirst("^listen address ", "address "));
            }
        }
        TsigKey key = null;
        if (keyNode != null) {
            Name name = nodes.zoneName(keyNode, where + ".notify-key");
            if (name != null && !keyNames.contains(name)) {
                nodes.problem(line(keyNode), where + ".notify-key: no key named " + name + " in the keys section ("
                        + (keyNames.isEmpty() ? "there are none" : "defined: " + keyNames) + ")");
            } else if (name != null) {
                key = keys.get(name);
            }
            if (node == null && nodes.problemCount() == before) {
                nodes.problem(line(keyNode), where + ".notify-key: signs the NOTIFYs, but there is no notify list; "
                        + "add notify: [ADDR:PORT, ...] or leave notify-key out");
            }
        }
        return nodes.problemCount() == before ? new NotifyTargets(addresses, key) : null;
    }
}
