package io.hpdns.conf;

import static io.hpdns.conf.ConfigNodes.describe;
import static io.hpdns.conf.ConfigNodes.isNull;
import static io.hpdns.conf.ConfigNodes.line;
import static io.hpdns.conf.ConfigNodes.scalarText;
import static io.hpdns.conf.ConfigNodes.value;

import io.hpdns.notify.NotifyTargets;
import io.hpdns.query.AnswerSettings;
import io.hpdns.server.ListenAddress;
import io.hpdns.server.ServerOptions;
import io.hpdns.server.UdpTransportKind;
import io.hpdns.supervisor.SupervisorOptions;
import io.hpdns.tcp.TcpPolicy;
import io.hpdns.xfr.TransferAcl;
import io.hpdns.xfr.TransferPolicy;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.xbill.DNS.Name;

/**
 * Reads {@code hpdns.yaml}. It walks the YAML node tree rather than binding to objects so that
 * every error can name the line it is on; it reports every error in the file, not only the first.
 * Every key is optional; a key with an empty value counts as left out.
 */
public final class ConfigReader {

    private static final List<String> TOP_KEYS = List.of("server", "keys", "zones");
    private static final List<String> SERVER_KEYS =
            List.of("listen", "udp-threads", "udp-transport", "identity", "version", "nsid", "edns-udp-size", "tcp",
                    "control", "state-dir", "workers", "heartbeat-timeout", "alarm-command", "worker-jvm-options",
                    "compiler-linger");
    private static final List<String> TCP_KEYS = List.of("idle-timeout", "message-timeout", "max-connections",
            "max-connections-per-client", "max-transfers");
    private static final List<String> ZONE_KEYS = List.of("name", "file", "transfer", "notify", "notify-key");
    /** RFC 6891 §6.2.5: a payload size below 512 is treated as 512; 65535 is the 16-bit maximum. */
    private static final int MIN_EDNS_UDP_SIZE = 512;
    private static final int MAX_EDNS_UDP_SIZE = 65_535;
    /** RFC 1035 §3.3: a TXT <character-string> holds at most 255 octets. */
    private static final int MAX_TXT_STRING = 255;

    private final Path file;
    private final String fileName;
    private final Path directory;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final ConfigNodes nodes;
    private final TransferSection transfers;
    /** Each zone's access list, by origin; a zone without a {@code transfer} section has none. */
    private final Map<Name, TransferAcl> acls = new HashMap<>();
    private int maxTransfers = TransferPolicy.DEFAULT_MAX_TRANSFERS;

    private ConfigReader(Path file) {
        this.file = file;
        this.fileName = file.toString();
        Path parent = file.getParent();
        this.directory = parent == null ? Path.of("") : parent;
        this.nodes = new ConfigNodes(fileName, problems);
        this.transfers = new TransferSection(nodes);
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

    /**
     * Reads where the control socket is ({@code server.control}) and nothing else of the file, for
     * {@code hpdns ctl}: quick, and a command still reaches a server whose configuration has since
     * been broken elsewhere (an edit not yet reloaded, which {@code ctl reload} then reports).
     *
     * @throws ConfigException when the file cannot be read as YAML, or that key is wrong
     */
    public static Path readControl(Path file) throws ConfigException {
        return new ConfigReader(file).readControl();
    }

    private Path readControl() throws ConfigException {
        Optional<Node> root = compose();
        Path control = null;
        if (problems.isEmpty()) {
            Map<String, NodeTuple> top = root.isEmpty() ? Map.of() : nodes.mapping(root.get(), "", TOP_KEYS);
            Node serverNode = top == null ? null : value(top, "server");
            Map<String, NodeTuple> server = serverNode == null ? Map.of()
                    : nodes.mapping(serverNode, "server", SERVER_KEYS);
            control = server == null ? null : control(value(server, "control"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return control;
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
            nodes.problem(0, "no such file");
        } catch (CharacterCodingException e) {
            nodes.problem(0, "not valid UTF-8");
        } catch (IOException e) {
            nodes.problem(0, "cannot read: " + e.getMessage());
        } catch (MarkedYamlEngineException e) {
            nodes.problem(line(e.getProblemMark()), "YAML syntax error: " + syntaxMessage(e));
        } catch (YamlEngineException e) {
            nodes.problem(0, "YAML syntax error: " + e.getMessage());
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
        Map<String, NodeTuple> top = root == null ? Map.of() : nodes.mapping(root, "", TOP_KEYS);
        if (top == null) {
            return null;
        }
        int before = problems.size();
        Node serverNode = value(top, "server");
        Map<String, NodeTuple> server = serverNode == null ? Map.of() : nodes.mapping(serverNode, "server", SERVER_KEYS);
        ServerOptions options = server == null ? null : serverOptions(server);
        AnswerSettings answers = server == null ? null : answerSettings(server);
        Path control = server == null ? null : control(value(server, "control"));
        Path stateDir = server == null ? null : stateDir(value(server, "state-dir"));
        SupervisorOptions supervisor = server == null ? null : supervisorOptions(server);
        transfers.readKeys(value(top, "keys"));
        List<ZoneConfig> zones = zones(value(top, "zones"));
        if (problems.size() != before) {
            return null;
        }
        TransferPolicy policy = new TransferPolicy(maxTransfers, transfers.keys(), acls);
        return new HpdnsConfig(file, options, answers, zones, policy, control, stateDir, supervisor);
    }

    private SupervisorOptions supervisorOptions(Map<String, NodeTuple> server) {
        int workers = nodes.integer(value(server, "workers"), "server.workers", 1, SupervisorOptions.MAX_WORKERS,
                SupervisorOptions.DEFAULT_WORKERS);
        Node timeoutNode = value(server, "heartbeat-timeout");
        Duration heartbeatTimeout = nodes.duration(timeoutNode, "server.heartbeat-timeout",
                SupervisorOptions.MAX_HEARTBEAT_TIMEOUT, SupervisorOptions.DEFAULT_HEARTBEAT_TIMEOUT);
        if (heartbeatTimeout.compareTo(SupervisorOptions.MIN_HEARTBEAT_TIMEOUT) < 0) {
            nodes.problem(line(timeoutNode), "server.heartbeat-timeout: expected at least "
                    + DurationSyntax.format(SupervisorOptions.MIN_HEARTBEAT_TIMEOUT)
                    + " (two heartbeats, one a second), got " + describe(timeoutNode));
            heartbeatTimeout = SupervisorOptions.DEFAULT_HEARTBEAT_TIMEOUT;
        }
        Node alarmNode = value(server, "alarm-command");
        String alarmCommand = alarmNode == null ? null : scalarText(alarmNode);
        if (alarmNode != null && (alarmCommand == null || alarmCommand.isBlank())) {
            nodes.problem(line(alarmNode), "server.alarm-command: expected a command line for /bin/sh -c, such as"
                    + " \"logger -t hpdns $HPDNS_MESSAGE\", got " + describe(alarmNode));
            alarmCommand = null;
        }
        Duration compilerLinger = nodes.durationOrZero(value(server, "compiler-linger"), "server.compiler-linger",
                SupervisorOptions.MAX_COMPILER_LINGER, SupervisorOptions.DEFAULT_COMPILER_LINGER);
        return new SupervisorOptions(workers, heartbeatTimeout, alarmCommand,
                workerJvmOptions(value(server, "worker-jvm-options")), compilerLinger);
    }

    /** A list of JVM options such as ["-Xmx2g", "-XX:+AlwaysPreTouch"], or one option on its own. */
    private List<String> workerJvmOptions(Node node) {
        List<String> options = new ArrayList<>();
        List<Node> items = ConfigNodes.listOrOne(node);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String where = "server.worker-jvm-options" + (node instanceof SequenceNode ? "[" + i + "]" : "");
            String option = scalarText(item);
            String unusable = option == null
                    ? "expected a JVM option such as -Xmx2g" : SupervisorOptions.unusableJvmOption(option);
            if (unusable != null) {
                nodes.problem(line(item), where + ": " + unusable + ", got " + describe(item));
                continue;
            }
            options.add(option);
        }
        return options;
    }

    private ServerOptions serverOptions(Map<String, NodeTuple> server) {
        Node listenNode = value(server, "listen");
        List<ListenAddress> listen = listen(listenNode);
        int udpThreads = nodes.integer(value(server, "udp-threads"), "server.udp-threads", 1,
                ServerOptions.MAX_UDP_THREADS, ServerOptions.DEFAULT_UDP_THREADS);
        UdpTransportKind udpTransport = udpTransport(value(server, "udp-transport"));
        TcpPolicy defaults = TcpPolicy.defaults();
        Duration idleTimeout = defaults.idleTimeout();
        Duration messageTimeout = defaults.messageTimeout();
        int maxConnections = defaults.maxConnections();
        int maxPerClient = defaults.maxConnectionsPerClient();
        Node tcpNode = value(server, "tcp");
        if (tcpNode != null) {
            Map<String, NodeTuple> tcp = nodes.mapping(tcpNode, "server.tcp", TCP_KEYS);
            if (tcp != null) {
                idleTimeout = nodes.duration(value(tcp, "idle-timeout"), "server.tcp.idle-timeout",
                        ServerOptions.MAX_TCP_IDLE_TIMEOUT, idleTimeout);
                messageTimeout = nodes.duration(value(tcp, "message-timeout"), "server.tcp.message-timeout",
                        TcpPolicy.MAX_TIMEOUT, messageTimeout);
                maxConnections = nodes.integer(value(tcp, "max-connections"), "server.tcp.max-connections", 1,
                        TcpPolicy.MAX_MAX_CONNECTIONS, maxConnections);
                maxPerClient = nodes.integer(value(tcp, "max-connections-per-client"),
                        "server.tcp.max-connections-per-client", 1, TcpPolicy.MAX_MAX_CONNECTIONS, maxPerClient);
                maxTransfers = nodes.integer(value(tcp, "max-transfers"), "server.tcp.max-transfers", 1,
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
            nodes.problem(line(listenNode), e.getMessage());
            return null;
        }
    }

    private AnswerSettings answerSettings(Map<String, NodeTuple> server) {
        String identity = txtString(value(server, "identity"), "server.identity");
        String version = txtString(value(server, "version"), "server.version");
        byte[] nsid = nsid(value(server, "nsid"), identity);
        int ednsUdpSize = nodes.integer(value(server, "edns-udp-size"), "server.edns-udp-size",
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
                nodes.problem(line(node), "server.listen: needs at least one address, such as \"127.0.0.1:53\"");
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
                nodes.problem(line(item), where + ": expected an address such as \"127.0.0.1:53\" or \"[::1]:53\", got "
                        + describe(item));
                continue;
            }
            try {
                addresses.add(ListenAddress.parse(scalar.getValue()));
            } catch (IllegalArgumentException e) {
                nodes.problem(line(item), where + ": " + e.getMessage());
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
            nodes.problem(line(node), "server.nsid: expected text or 0x followed by hex digits, got " + describe(node));
            return null;
        }
        try {
            return NsidSyntax.parse(scalar.getValue());
        } catch (IllegalArgumentException e) {
            nodes.problem(line(node), "server.nsid: " + e.getMessage() + ", got " + describe(node));
            return null;
        }
    }

    private List<ZoneConfig> zones(Node node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            nodes.problem(line(node), "zones: expected a list of { name: ..., file: ... }, got " + describe(node));
            return null;
        }
        int before = problems.size();
        List<ZoneConfig> zones = new ArrayList<>();
        Map<Name, Integer> firstLine = new HashMap<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            String where = "zones[" + i + "]";
            Map<String, NodeTuple> zone = nodes.mapping(items.get(i), where, ZONE_KEYS);
            if (zone == null) {
                continue;
            }
            Node nameNode = nodes.required(zone, "name", where, items.get(i));
            Node fileNode = nodes.required(zone, "file", where, items.get(i));
            Name name = nameNode == null ? null : nodes.zoneName(nameNode, where + ".name");
            Path zoneFile = fileNode == null ? null : zoneFile(fileNode, where + ".file");
            Node transferNode = value(zone, "transfer");
            TransferAcl acl = transferNode == null ? null : transfers.transferAcl(transferNode, where + ".transfer");
            if (name != null && acl != null) {
                acls.putIfAbsent(name, acl);
            }
            if (name != null) {
                Integer first = firstLine.putIfAbsent(name, line(nameNode));
                if (first != null) {
                    nodes.problem(line(nameNode), where + ".name: zone " + name + " is already configured at line " + first
                            + "; each zone may appear once");
                    continue;
                }
            }
            NotifyTargets notify = transfers.notifyTargets(value(zone, "notify"), value(zone, "notify-key"), where);
            if (name != null && zoneFile != null && notify != null) {
                zones.add(new ZoneConfig(name, zoneFile, notify));
            }
        }
        return problems.size() == before ? zones : null;
    }

    /** The control socket's path, relative to the configuration file's directory like the zone files. */
    private Path control(Node node) {
        if (node == null) {
            return directory.resolve(HpdnsConfig.DEFAULT_CONTROL).normalize();
        }
        String text = scalarText(node);
        if (text == null || text.isBlank()) {
            nodes.problem(line(node), "server.control: expected a file path such as run/hpdns.sock, got " + describe(node));
            return null;
        }
        return directory.resolve(text).normalize();
    }

    /**
     * The state directory, relative to the configuration file's directory; null when left out (the
     * default follows the control socket).
     */
    private Path stateDir(Node node) {
        if (node == null) {
            return null;
        }
        String text = scalarText(node);
        if (text == null || text.isBlank()) {
            nodes.problem(line(node), "server.state-dir: expected a directory path such as /var/lib/hpdns, got "
                    + describe(node));
            return null;
        }
        return directory.resolve(text).normalize();
    }

    private Path zoneFile(Node node, String where) {
        String text = scalarText(node);
        if (text == null || text.isBlank()) {
            nodes.problem(line(node), where + ": expected a file path, got " + describe(node));
            return null;
        }
        Path resolved = directory.resolve(text).normalize();
        if (!Files.isRegularFile(resolved)) {
            nodes.problem(line(node), where + ": " + resolved + ": no such file (paths are relative to the directory of "
                    + fileName + ")");
            return null;
        }
        if (!Files.isReadable(resolved)) {
            nodes.problem(line(node), where + ": " + resolved + ": not readable by this user");
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
            nodes.problem(line(node), where + ": expected a string, got " + describe(node));
            return null;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TXT_STRING) {
            nodes.problem(line(node), where + ": longer than " + MAX_TXT_STRING + " bytes, too long for a TXT record");
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
        nodes.problem(line(node), "server.udp-transport: expected ffm or netty, got " + describe(node));
        return UdpTransportKind.DEFAULT;
    }

}
