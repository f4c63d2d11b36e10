package io.hpdns.zone;

/**
 * One finding of zone loading or validation, reported the way {@code kzonecheck} and
 * {@code named-checkzone} do: {@code file:line: message}. Line is 0 when the finding concerns the
 * zone as a whole (for example a missing SOA).
 */
public record ZoneProblem(Severity severity, String file, int line, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line: message}, prefixed with {@code warning: } for warnings. */
    public String format() {
        String where = line > 0 ? file + ":" + line : file;
        return where + ": " + (isError() ? "" : "warning: ") + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
