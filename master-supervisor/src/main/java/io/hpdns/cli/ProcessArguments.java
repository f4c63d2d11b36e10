package io.hpdns.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The command line of a process the master starts ({@link ProcessMain}): a command name, then
 * {@code --option VALUE} pairs and bare flags, all written by the master itself
 * ({@link ServeOptions#workerArguments}, {@link ServeOptions#compilerArguments}). Read strictly:
 * an option the command does not take, a missing value or a single-valued option given twice is
 * an error, as it would be a bug in the master.
 */
final class ProcessArguments {

    private final String command;
    private final Map<String, List<String>> values;
    private final Set<String> flags;

    private ProcessArguments(String command, Map<String, List<String>> values, Set<String> flags) {
        this.command = command;
        this.values = values;
        this.flags = flags;
    }

    /**
     * @param arguments the command name, then its options
     * @param valued the options that take a value (each may be repeated; {@link #value} refuses two)
     * @param flagNames the options that take none
     * @throws IllegalArgumentException for an unknown option or a missing value
     */
    static ProcessArguments parse(List<String> arguments, Set<String> valued, Set<String> flagNames) {
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException("missing command");
        }
        Map<String, List<String>> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < arguments.size(); i++) {
            String option = arguments.get(i);
            if (flagNames.contains(option)) {
                flags.add(option);
            } else if (valued.contains(option)) {
                if (++i == arguments.size()) {
                    throw new IllegalArgumentException(option + ": missing value");
                }
                values.computeIfAbsent(option, name -> new ArrayList<>()).add(arguments.get(i));
            } else {
                throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return new ProcessArguments(arguments.getFirst(), values, flags);
    }

    String command() {
        return command;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** The value of an option given at most once, converted. */
    <T> Optional<T> value(String name, Function<String, T> convert) {
        List<String> given = values.getOrDefault(name, List.of());
        if (given.size() > 1) {
            throw new IllegalArgumentException(name + ": given " + given.size() + " times");
        }
        return given.isEmpty() ? Optional.empty() : Optional.of(converted(name, given.getFirst(), convert));
    }

    /** Every value of a repeatable option, converted; null when it was not given at all. */
    <T> List<T> values(String name, Function<String, T> convert) {
        List<String> given = values.get(name);
        if (given == null) {
            return null;
        }
        List<T> converted = new ArrayList<>(given.size());
        for (String value : given) {
            converted.add(converted(name, value, convert));
        }
        return converted;
    }

    private static <T> T converted(String name, String value, Function<String, T> convert) {
        try {
            return convert.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
