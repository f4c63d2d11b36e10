package io.hpdns.conf;

import io.hpdns.notify.NotifyTargets;
import io.hpdns.query.AnswerSettings;
import io.hpdns.server.ListenAddress;
import io.hpdns.server.ServerOptions;
import io.hpdns.server.UdpTransportKind;
import io.hpdns.tcp.TcpPolicy;
import io.hpdns.tsig.TsigKey;
import io.hpdns.tsig.TsigKeys;
import io.hpdns.xfr.AddressRange;
import io.hpdns.xfr.TransferAcl;
import io.hpdns.xfr.TransferPolicy;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Reads {@code hpdns.yaml}. It walks the YAML node tree rather than binding to objects so that
 * every error can name the line it is on; it reports every error in the file, not only the first.
 * Every key is optional; a key with an empty value counts as left out.
 */
public final class ConfigReader {

    private static final List<String> TOP_KEYS = List.of("server", "keys", "zones");
    private static final List<String> SERVER_KEYS =
            List.of("listen", "udp-threads", "udp-transport", "identity", "version", "nsid", "edns-udp-size", "tcp",
                    "control");
    private static final List<String> TCP_KEYS = List.of("idle-timeout", "message-timeout", "max-connections",
            "max-connections-per-client", "max-transfers");
    private static final List<String> ZONE_KEYS = List.of("name", "file", "transfer", "notify", "notify-key");
    private static final List<String> TRANSFER_KEYS = List.of("allow", "keys");
    private static final List<String> KEY_KEYS = List.of("name", "algorithm", "secret");
    /** RFC 8945 §6: the HMAC algorithms a key may use (hmac-md5 and GSS-TSIG are not offered). */
    private static final List<String> ALGORITHMS =
            List.of("hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");
    /** RFC 6891 §6.2.5: a payload size below 512 is treated as 512; 65535 is the 16-bit maximum. */
    private static final int MIN_EDNS_UDP_SIZE = 512;
    private static final int MAX_EDNS_UDP_SIZE = 65_535;
    /** RFC 1035 §3.3: a TXT <character-string> holds at most 255 octets. */
    private static final int MAX_TXT_STRING = 255;

    private final Path file;
    private final String fileName;
    private final Path directory;
    private final List<ConfigProblem> problems = new ArrayList<>();
    /** The keys of the {@code keys} section, by name, for the zones' access lists to refer to. */
    private final Map<Name, TsigKey> keys = new LinkedHashMap<>();
    /** Every key name in the {@code keys} section, also those of keys with errors (reported there). */
    private final java.util.Set<Name> keyNames = new java.util.LinkedHashSet<>();
    /** Each zone's access list, by origin; a zone without a {@code transfer} section has none. */
    private final Map<Name, TransferAcl> acls = new HashMap<>();
    private int maxTransfers = TransferPolicy.DEFAULT_MAX_TRANSFERS;

    private ConfigReader(Path file) {
        this.file = file;
        this.fileName = file.toString();
        Path parent = file.getParent();
        this.directory = parent == null ? Path.of("") : parent;
    }

    /**
     * Reads and validates a configuration file, including that every zone file it names exists.
     * Zone file paths are relative to the configuration file's directory.
     *
     * @throws ConfigException with every error found, each with its file and line
     */
    public static HpdnsConfig read(Path file) throws ConfigException {
        return new ConfigReader(file).read();
    }

    private HpdnsConfig read() throws ConfigException {
        Optional<Node> root = compose();
        HpdnsConfig config = problems.isEmpty() ? config(root.orElse(null)) : null;
        if (!problems.isEmpty()) {
            // Sections are checked in a fixed order; report in the order of the file.
            problems.sort(Comparator.comparingInt(ConfigProblem::line));
            throw new ConfigException(problems);
        }
        return config;
    }

    private Optional<Node> compose() {
        LoadSettings settings = LoadSettings.builder().setLabel(fileName).build();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Compose(settings).composeReader(in);
        } catch (NoSuchFileException e) {
            problem(0, "no such file");
        } catch (CharacterCodingException e) {
            problem(0, "not valid UTF-8");
        } catch (IOException e) {
            problem(0, "cannot read: " + e.getMessage());
        } catch (MarkedYamlEngineException e) {
            problem(line(e.getProblemMark()), "YAML syntax error: " + syntaxMessage(e));
        } catch (YamlEngineException e) {
            problem(0, "YAML syntax error: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static String syntaxMessage(MarkedYamlEngineException e) {
        String problem = e.getProblem();
        String context = e.getContext();
        if (context == null || context.isEmpty()) {
            return problem;
        }
        int contextLine = line(e.getContextMark());
        return problem + " (" + context + (contextLine > 0 ? " started at line " + contextLine : "") + ")";
    }

    /** The configuration in the document's root node; null (an empty document) is all defaults. */
    private HpdnsConfig config(Node root) {
        Map<String, NodeTuple> top = root == null ? Map.of() : mapping(root, "", TOP_KEYS);
        if (top == null) {
            return null;
        }
        int before = problems.size();
        Node serverNode = value(top, "server");
        Map<String, NodeTuple> server = serverNode == null ? Map.of() : mapping(serverNode, "server", SERVER_KEYS);
        ServerOptions options = server == null ? null : serverOptions(server);
        AnswerSettings answers = server == null ? null : answerSettings(server);
        Path control = server == null ? null : control(value(server, "control"));
        readKeys(value(top, "keys"));
        List<ZoneConfig> zones = zones(value(top, "zones"));
        if (problems.size() != before) {
            return null;
        }
        TransferPolicy transfers = new TransferPolicy(maxTransfers, TsigKeys.of(List.copyOf(keys.values())), acls);
        return new HpdnsConfig(file, options, answers, zones, transfers, control);
    }

    private ServerOptions serverOptions(Map<String, NodeTuple> server) {
        Node listenNode = value(server, "listen");
        List<ListenAddress> listen = listen(listenNode);
        int udpThreads = integer(value(server, "udp-threads"), "server.udp-threads", 1,
                ServerOptions.MAX_UDP_THREADS, ServerOptions.DEFAULT_UDP_THREADS);
        UdpTransportKind udpTransport = udpTransport(value(server, "udp-transport"));
        TcpPolicy defaults = TcpPolicy.defaults();
        Duration idleTimeout = defaults.idleTimeout();
        Duration messageTimeout = defaults.messageTimeout();
        int maxConnections = defaults.maxConnections();
        int maxPerClient = defaults.maxConnectionsPerClient();
        Node tcpNode = value(server, "tcp");
        if (tcpNode != null) {
            Map<String, NodeTuple> tcp = mapping(tcpNode, "server.tcp", TCP_KEYS);
            if (tcp != null) {
                idleTimeout = duration(value(tcp, "idle-timeout"), "server.tcp.idle-timeout",
                        ServerOptions.MAX_TCP_IDLE_TIMEOUT, idleTimeout);
                messageTimeout = duration(value(tcp, "message-timeout"), "server.tcp.message-timeout",
                        TcpPolicy.MAX_TIMEOUT, messageTimeout);
                maxConnections = integer(value(tcp, "max-connections"), "server.tcp.max-connections", 1,
                        TcpPolicy.MAX_MAX_CONNECTIONS, maxConnections);
                maxPerClient = integer(value(tcp, "max-connections-per-client"),
                        "server.tcp.max-connections-per-client", 1, TcpPolicy.MAX_MAX_CONNECTIONS, maxPerClient);
                maxTransfers = integer(value(tcp, "max-transfers"), "server.tcp.max-transfers", 1,
                        TransferPolicy.MAX_MAX_TRANSFERS, maxTransfers);
            }
        }
        if (listen.isEmpty()) {
            return null;
        }
        try {
            TcpPolicy tcp = new TcpPolicy(idleTimeout, messageTimeout, maxConnections, maxPerClient);
            return new ServerOptions(listen, udpThreads, tcp, udpTransport);
        } catch (IllegalArgumentException e) {
            // Each value was checked above; what is left is how the listen addresses combine.
            problem(line(listenNode), e.getMessage());
            return null;
        }
    }

    private AnswerSettings answerSettings(Map<String, NodeTuple> server) {
        String identity = txtString(value(server, "identity"), "server.identity");
        String version = txtString(value(server, "version"), "server.version");
        byte[] nsid = nsid(value(server, "nsid"), identity);
        int ednsUdpSize = integer(value(server, "edns-udp-size"), "server.edns-udp-size",
                MIN_EDNS_UDP_SIZE, MAX_EDNS_UDP_SIZE, AnswerSettings.DEFAULT_EDNS_UDP_SIZE);
        return new AnswerSettings(ednsUdpSize, identity, version, nsid);
    }

    /** A list of ADDR:PORT strings, or one such string on its own. */
    private List<ListenAddress> listen(Node node) {
        if (node == null) {
            return HpdnsConfig.defaultListen();
        }
        List<Node> items;
        if (node instanceof SequenceNode seq) {
            items = seq.getValue();
            if (items.isEmpty()) {
                problem(line(node), "server.listen: needs at least one address, such as \"127.0.0.1:53\"");
                return List.of();
            }
        } else {
            items = List.of(node);
        }
        List<ListenAddress> addresses = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String where = node instanceof SequenceNode ? "server.listen[" + i + "]" : "server.listen";
            if (!(item instanceof ScalarNode scalar) || isNull(item)) {
                problem(line(item), where + ": expected an address such as \"127.0.0.1:53\" or \"[::1]:53\", got "
                        + describe(item));
                continue;
            }
            try {
                addresses.add(ListenAddress.parse(scalar.getValue()));
            } catch (IllegalArgumentException e) {
                problem(line(item), where + ": " + e.getMessage());
            }
        }
        return addresses;
    }

    private byte[] nsid(Node node, String identity) {
        if (node == null) {
            // Like Knot DNS: without an explicit NSID, the server's identity identifies it.
            return identity == null ? null : identity.getBytes(StandardCharsets.UTF_8);
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(line(node), "server.nsid: expected text or 0x followed by hex digits, got " + describe(node));
            return null;
        }
        try {
            return NsidSyntax.parse(scalar.getValue());
        } catch (IllegalArgumentException e) {
            problem(line(node), "server.nsid: " + e.getMessage() + ", got " + describe(node));
            return null;
        }
    }

    private List<ZoneConfig> zones(Node node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(line(node), "zones: expected a list of { name: ..., file: ... }, got " + describe(node));
            return null;
        }
        int before = problems.size();
        List<ZoneConfig> zones = new ArrayList<>();
        Map<Name, Integer> firstLine = new HashMap<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            String where = "zones[" + i + "]";
            Map<String, NodeTuple> zone = mapping(items.get(i), where, ZONE_KEYS);
            if (zone == null) {
                continue;
            }
            Node nameNode = required(zone, "name", where, items.get(i));
            Node fileNode = required(zone, "file", where, items.get(i));
            Name name = nameNode == null ? null : zoneName(nameNode, where + ".name");
            Path zoneFile = fileNode == null ? null : zoneFile(fileNode, where + ".file");
            Node transferNode = value(zone, "transfer");
            TransferAcl acl = transferNode == null ? null : transferAcl(transferNode, where + ".transfer");
            if (name != null && acl != null) {
                acls.putIfAbsent(name, acl);
            }
            if (name != null) {
                Integer first = firstLine.putIfAbsent(name, line(nameNode));
                if (first != null) {
                    problem(line(nameNode), where + ".name: zone " + name + " is already configured at line " + first
                            + "; each zone may appear once");
                    continue;
                }
            }
            NotifyTargets notify = notifyTargets(value(zone, "notify"), value(zone, "notify-key"), where);
            if (name != null && zoneFile != null && notify != null) {
                zones.add(new ZoneConfig(name, zoneFile, notify));
            }
        }
        return problems.size() == before ? zones : null;
    }

    /**
     * The {@code keys} list: {@code { name, algorithm, secret }} each. A secret is never echoed in
     * a message, not even when it is malformed.
     */
    private void readKeys(Node node) {
        if (node == null) {
            return;
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(line(node), "keys: expected a list of { name: ..., algorithm: hmac-sha256, secret: BASE64 }, got "
                    + (node instanceof ScalarNode ? "text" : describe(node)));
            return;
        }
        Map<Name, Integer> firstLine = new HashMap<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            String where = "keys[" + i + "]";
            Map<String, NodeTuple> key = mapping(items.get(i), where, KEY_KEYS);
            if (key == null) {
                continue;
            }
            Node nameNode = required(key, "name", where, items.get(i));
            Node algorithmNode = required(key, "algorithm", where, items.get(i));
            Node secretNode = required(key, "secret", where, items.get(i));
            Name name = nameNode == null ? null : zoneName(nameNode, where + ".name");
            Name algorithm = algorithmNode == null ? null : algorithm(algorithmNode, where + ".algorithm");
            byte[] secret = secretNode == null ? null : secret(secretNode, where + ".secret");
            if (name == null) {
                continue;
            }
            keyNames.add(name);
            Integer first = firstLine.putIfAbsent(name, line(nameNode));
            if (first != null) {
                problem(line(nameNode), where + ".name: key " + name + " is already defined at line " + first
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
            problem(line(node), where + ": expected one of " + String.join(", ", ALGORITHMS) + ", got " + describe(node));
            return null;
        }
        return org.xbill.DNS.TSIG.algorithmToName(lower);
    }

    private byte[] secret(Node node, String where) {
        String text = scalarText(node);
        if (text == null) {
            problem(line(node), where + ": expected the secret in base64 (e.g. from `keymgr -t NAME`), got "
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
        problem(line(node), where + ": not a valid base64 secret (the value is not shown); generate one with "
                + "`keymgr -t NAME hmac-sha256` or `head -c 32 /dev/urandom | base64`");
        return null;
    }

    /** A zone's {@code transfer: { allow: [...], keys: [...] }}; null when it has errors. */
    private TransferAcl transferAcl(Node node, String where) {
        Map<String, NodeTuple> transfer = mapping(node, where, TRANSFER_KEYS);
        if (transfer == null) {
            return null;
        }
        int before = problems.size();
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
                problem(line(item), where + ".allow: " + e.getMessage());
            }
        }
        List<Name> signers = new ArrayList<>();
        for (Node item : listOrOne(value(transfer, "keys"))) {
            Name name = zoneName(item, where + ".keys");
            if (name == null) {
                continue;
            }
            if (!keyNames.contains(name)) {
                problem(line(item), where + ".keys: no key named " + name + " in the keys section ("
                        + (keyNames.isEmpty() ? "there are none" : "defined: " + keyNames) + ")");
                continue;
            }
            signers.add(name);
        }
        if (allow.isEmpty() && signers.isEmpty() && problems.size() == before) {
            problem(line(node), where + ": needs allow (addresses) or keys (TSIG key names), or both; "
                    + "leave transfer out to refuse every transfer of the zone");
        }
        return problems.size() == before ? new TransferAcl(allow, signers) : null;
    }

    /**
     * A zone's {@code notify: [ADDR:PORT, ...]} (RFC 1996: its secondaries) and the
     * {@code notify-key} that signs the NOTIFYs; null when they have errors.
     */
    private NotifyTargets notifyTargets(Node node, Node keyNode, String where) {
        int before = problems.size();
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
                problem(line(item), where + ".notify: " + e.getMessage().replaceFirst("^listen address ", "address "));
            }
        }
        TsigKey key = null;
        if (keyNode != null) {
            Name name = zoneName(keyNode, where + ".notify-key");
            if (name != null && !keyNames.contains(name)) {
                problem(line(keyNode), where + ".notify-key: no key named " + name + " in the keys section ("
                        + (keyNames.isEmpty() ? "there are none" : "defined: " + keyNames) + ")");
            } else if (name != null) {
                key = keys.get(name);
            }
            if (node == null && problems.size() == before) {
                problem(line(keyNode), where + ".notify-key: signs the NOTIFYs, but there is no notify list; "
                        + "add notify: [ADDR:PORT, ...] or leave notify-key out");
            }
        }
        return problems.size() == before ? new NotifyTargets(addresses, key) : null;
    }

    /** The items of a list node, or the node itself when it is a single value; none for null. */
    private static List<Node> listOrOne(Node node) {
        if (node == null) {
            return List.of();
        }
        return node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    }

    private Node required(Map<String, NodeTuple> map, String key, String where, Node mapNode) {
        Node node = value(map, key);
        if (node == null) {
            problem(line(mapNode), where + ": missing key \"" + key + "\"");
        }
        return node;
    }

    private Name zoneName(Node node, String where) {
        String text = scalarText(node);
        if (text == null || text.isBlank()) {
            problem(line(node), where + ": expected a domain name such as \"example.com.\", got " + describe(node));
            return null;
        }
        try {
            // A zone name is always absolute; "example.com" means "example.com.".
            return Name.fromString(text.trim(), Name.root);
        } catch (TextParseException e) {
            problem(line(node), where + ": not a valid domain name \"" + text + "\": " + e.getMessage());
            return null;
        }
    }

    /** The control socket's path, relative to the configuration file's directory like the zone files. */
    private Path control(Node node) {
        if (node == null) {
            return directory.resolve(HpdnsConfig.DEFAULT_CONTROL).normalize();
        }
        String text = scalarText(node);
        if (text == null || text.isBlank()) {
            problem(line(node), "server.control: expected a file path such as run/hpdns.sock, got " + describe(node));
            return null;
        }
        return directory.resolve(text).normalize();
    }

    private Path zoneFile(Node node, String where) {
        String text = scalarText(node);
        if (text == null || text.isBlank()) {
            problem(line(node), where + ": expected a file path, got " + describe(node));
            return null;
        }
        Path resolved = directory.resolve(text).normalize();
        if (!Files.isRegularFile(resolved)) {
            problem(line(node), where + ": " + resolved + ": no such file (paths are relative to the directory of "
                    + fileName + ")");
            return null;
        }
        if (!Files.isReadable(resolved)) {
            problem(line(node), where + ": " + resolved + ": not readable by this user");
            return null;
        }
        return resolved;
    }

    private String txtString(Node node, String where) {
        if (node == null) {
            return null;
        }
        String text = scalarText(node);
        if (text == null) {
            problem(line(node), where + ": expected a string, got " + describe(node));
            return null;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TXT_STRING) {
            problem(line(node), where + ": longer than " + MAX_TXT_STRING + " bytes, too long for a TXT record");
            return null;
        }
        return text;
    }

    private UdpTransportKind udpTransport(Node node) {
        if (node == null) {
            return UdpTransportKind.DEFAULT;
        }
        String text = scalarText(node);
        try {
            if (text != null) {
                return UdpTransportKind.parse(text);
            }
        } catch (IllegalArgumentException e) {
            // The message below says it.
        }
        problem(line(node), "server.udp-transport: expected ffm or netty, got " + describe(node));
        return UdpTransportKind.DEFAULT;
    }

    private int integer(Node node, String where, int min, int max, int defaultValue) {
        if (node == null) {
            return defaultValue;
        }
        String text = scalarText(node);
        long value = text != null && text.matches("[0-9]{1,10}") ? Long.parseLong(text) : -1;
        if (value >= min && value <= max) {
            return (int) value;
        }
        String expected = min == 1 ? "a positive integer up to " + max : "an integer from " + min + " to " + max;
        problem(line(node), where + ": expected " + expected + ", got " + describe(node));
        return defaultValue;
    }

    private Duration duration(Node node, String where, Duration max, Duration defaultValue) {
        if (node == null) {
            return defaultValue;
        }
        String text = scalarText(node);
        Duration value = null;
        try {
            value = text == null ? null : DurationSyntax.parse(text);
        } catch (IllegalArgumentException e) {
            // reported below, with what is expected
        }
        if (value == null || value.isZero()) {
            problem(line(node), where + ": expected a positive duration such as 500ms, 10s, 2m or 1h, got "
                    + describe(node));
            return defaultValue;
        }
        if (value.compareTo(max) > 0) {
            problem(line(node), where + ": expected at most " + DurationSyntax.format(max) + ", got " + describe(node));
            return defaultValue;
        }
        return value;
    }

    /**
     * The entries of a mapping node, after rejecting unknown and repeated keys; null (with a
     * problem recorded) when the node is not a mapping.
     */
    private Map<String, NodeTuple> mapping(Node node, String where, List<String> allowed) {
        if (isNull(node)) {
            return Map.of();
        }
        if (!(node instanceof MappingNode map)) {
            String what = where.isEmpty() ? "the top level" : where;
            problem(line(node), what + ": expected a mapping with keys " + String.join(", ", allowed) + ", got "
                    + describe(node));
            return null;
        }
        String in = where.isEmpty() ? "" : " in " + where;
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple entry : map.getValue()) {
            Node keyNode = entry.getKeyNode();
            String key = scalarText(keyNode);
            if (key == null || !allowed.contains(key)) {
                problem(line(keyNode), "unknown key " + describe(keyNode) + in + " (expected one of: "
                        + String.join(", ", allowed) + ")");
                continue;
            }
            NodeTuple first = entries.putIfAbsent(key, entry);
            if (first != null) {
                problem(line(keyNode), "duplicate key \"" + key + "\"" + in + " (first given at line "
                        + line(first.getKeyNode()) + ")");
            }
        }
        return entries;
    }

    /** The value for a key, or null when the key is absent or its value is empty. */
    private static Node value(Map<String, NodeTuple> map, String key) {
        NodeTuple entry = map.get(key);
        if (entry == null || isNull(entry.getValueNode())) {
            return null;
        }
        return entry.getValueNode();
    }

    private static String scalarText(Node node) {
        return node instanceof ScalarNode scalar && !isNull(node) ? scalar.getValue() : null;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "nothing";
        }
        return "\"" + ((ScalarNode) node).getValue() + "\"";
    }

    private static int line(Node node) {
        return line(node.getStartMark());
    }

    /** snakeyaml counts lines from 0; editors and this report count from 1. */
    private static int line(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }

    private void problem(int line, String message) {
        problems.add(new ConfigProblem(fileName, line, message));
    }
}
