package io.hpdns.conf;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Typed reading of YAML nodes for the configuration readers: each value is checked against what
 * its key expects, and every mismatch is recorded as a problem with the line it is on, so one
 * reading reports every error in the file.
 */
final class ConfigNodes {
    private final String fileName;
    private final List<ConfigProblem> problems;

    ConfigNodes(String fileName, List<ConfigProblem> problems) {
        this.fileName = fileName;
        this.problems = problems;
    }

    /** Problems recorded so far; compare before and after reading a section to know if it failed. */
    int problemCount() {
        return problems.size();
    }

    Node required(Map<String, NodeTuple> map, String key, String where, Node mapNode) {
        Node node = value(map, key);
        if (node == null) {
            problem(line(mapNode), where + ": missing key \"" + key + "\"");
        }
        return node;
    }

    Name zoneName(Node node, String where) {
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

    int integer(Node node, String where, int min, int max, int defaultValue) {
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

    Duration duration(Node node, String where, Duration max, Duration defaultValue) {
        return duration(node, where, max, defaultValue, false);
    }

    /** As {@link #duration}, zero (0s) allowed. */
    Duration durationOrZero(Node node, String where, Duration max, Duration defaultValue) {
        return duration(node, where, max, defaultValue, true);
    }

    private Duration duration(Node node, String where, Duration max, Duration defaultValue, boolean zeroAllowed) {
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
        if (value == null || value.isZero() && !zeroAllowed) {
            problem(line(node), where + ": expected a " + (zeroAllowed ? "" : "positive ")
                    + "duration such as " + (zeroAllowed ? "0s, " : "") + "500ms, 10s, 2m or 1h, got " + describe(node));
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
    Map<String, NodeTuple> mapping(Node node, String where, List<String> allowed) {
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
    static Node value(Map<String, NodeTuple> map, String key) {
        NodeTuple entry = map.get(key);
        if (entry == null || isNull(entry.getValueNode())) {
            return null;
        }
        return entry.getValueNode();
    }

    static String scalarText(Node node) {
        return node instanceof ScalarNode scalar && !isNull(node) ? scalar.getValue() : null;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    static String describe(Node node) {
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

    static int line(Node node) {
        return line(node.getStartMark());
    }

    /** snakeyaml counts lines from 0; editors and this report count from 1. */
    static int line(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }

    void problem(int line, String message) {
        problems.add(new ConfigProblem(fileName, line, message));
    }
    /** The items of a list node, or the node itself when it is a single value; none for null. */
    static List<Node> listOrOne(Node node) {
        if (node == null) {
            return List.of();
        }
        return node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    }
}
