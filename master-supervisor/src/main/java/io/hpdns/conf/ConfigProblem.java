package io.hpdns.conf;

/**
 * One error in a configuration file, reported as {@code file:line: message}. Line is 0 when the
 * error concerns the file as a whole (it cannot be read, for example).
 */
public record ConfigProblem(String file, int line, String message) {

    public String format() {
        String where = line > 0 ? file + ":" + line : file;
        return where + ": " + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
