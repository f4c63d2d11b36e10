package io.hpdns.supervisor;

import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * What the master asks of the zone compiler: one line on the compiler's standard input
 * ({@link CompilerChannel}), answered by one report.
 *
 * @param kind which zones to compile
 * @param zone the zone of {@link Kind#ONE}; null otherwise
 */
public record CompileRequest(Kind kind, Name zone) {

    /** Which zones a compile covers. */
    public enum Kind {
        /**
         * The master's first compile: every configured zone, those unchanged since the previous
         * run taken from its images.
         */
        INITIAL("initial"),
        /** A reload: the zone list read again, the zones whose files changed compiled. */
        ALL("all"),
        /** A reload of one zone of the manifest; the zone list is not read again. */
        ONE("one"),
        /**
         * After a start: the answers of the zones served from images whose answers are deferred
         * compiled into new images; nothing is read again.
         */
        ANSWERS("answers");

        private final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    public CompileRequest {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ONE) != (zone != null)) {
            throw new IllegalArgumentException("a zone is named by a request for one zone, and only by it");
        }
    }

    public static CompileRequest initial() {
        return new CompileRequest(Kind.INITIAL, null);
    }

    public static CompileRequest all() {
        return new CompileRequest(Kind.ALL, null);
    }

    public static CompileRequest answers() {
        return new CompileRequest(Kind.ANSWERS, null);
    }

    public static CompileRequest one(Name zone) {
        return new CompileRequest(Kind.ONE, zone);
    }

    /** The request as the master writes it: the kind's word, then the zone in presentation form. */
    String line() {
        return zone == null ? kind.word : kind.word + " " + zone;
    }

    /**
     * The request a line says.
     *
     * @throws IllegalArgumentException when it says none
     */
    static CompileRequest parse(String line) {
        String[] words = line.split(" ", -1);
        for (Kind kind : Kind.values()) {
            if (!kind.word.equals(words[0])) {
                continue;
            }
            if (kind != Kind.ONE && words.length == 1) {
                return new CompileRequest(kind, null);
            }
            if (kind == Kind.ONE && words.length == 2) {
                try {
                    return one(Name.fromString(words[1], Name.root));
                } catch (TextParseException e) {
                    throw new IllegalArgumentException("not a zone name: " + words[1], e);
                }
            }
        }
        throw new IllegalArgumentException("not a compile request: " + line);
    }
}
