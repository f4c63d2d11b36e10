package io.hpdns.conf;

import java.util.List;

/** A configuration file that cannot be used, with every error found in it. */
public final class ConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.isEmpty() ? "invalid configuration" : problems.getFirst().format());
        this.problems = List.copyOf(problems);
    }

    /** Every error, in file order; never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
