package io.hpdns.zone;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/**
 * Reads every record of a master file (RFC 1035 §5) with dnsjava's parser, which handles
 * {@code $ORIGIN}, {@code $TTL}, {@code $INCLUDE}, {@code $GENERATE}, escapes, multi-line records
 * and RFC 3597 unknown types, and notes the file and line each record came from.
 *
 * <p>dnsjava reports the position of syntax errors but not of the records it returns, and
 * validation errors must name the line too, so the position is read from the parser's tokenizer.
 * If a future dnsjava renames those fields, records are reported with line 0 rather than failing.
 */
final class MasterFileReader {
    private static final Pattern POSITIONED = Pattern.compile("^(.+?):(\\d+): (.*)$", Pattern.DOTALL);
    private static final Field INCLUDED = field(Master.class, "included");
    private static final Field TOKENIZER = field(Master.class, "st");
    private static final Field FILE = field(Master.class, "file");
    private static final Field LINE = field(Tokenizer.class, "line");

    private MasterFileReader() {}

    /** Receives each record as it is parsed, with the file and line it came from. */
    interface RecordSink {
        void accept(Record record, String file, int line);
    }

    /**
     * Parses the file into {@code sink}, in file order. Returns false, with the error in
     * {@code problems}, when the file cannot be read or has a syntax error.
     */
    static boolean read(Name origin, Path file, List<ZoneProblem> problems, RecordSink sink) {
        String name = file.toString();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            String why = Files.exists(file) ? "not a readable file" : "no such file";
            problems.add(new ZoneProblem(ZoneProblem.Severity.ERROR, name, 0, "cannot read zone file: " + why));
            return false;
        }
        Master master = null;
        String lastFile = name;
        int lastLine = 0;
        try {
            master = new Master(name, origin);
            Record record;
            while ((record = master.nextRecord()) != null) {
                Master current = innermost(master);
                lastFile = fileOf(current, name);
                lastLine = lineOf(current);
                sink.accept(record, lastFile, lastLine);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            problems.add(positioned(e, master == null ? name : fileOf(innermost(master), name), lastFile, lastLine));
            return false;
        } finally {
            if (master != null) {
                master.close();
            }
        }
    }

    /**
     * The problem for a parse error. dnsjava names the file by its base name only; give the path
     * as the operator wrote it, which is the file being read when the error struck.
     */
    private static ZoneProblem positioned(Exception e, String file, String lastFile, int lastLine) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher m = POSITIONED.matcher(message);
        if (m.matches()) {
            String where = Path.of(file).getFileName().toString().equals(m.group(1)) ? file : m.group(1);
            return new ZoneProblem(ZoneProblem.Severity.ERROR, where, Integer.parseInt(m.group(2)), m.group(3));
        }
        // Errors dnsjava does not position (a missing $INCLUDE file, say): point just past the last
        // record read, which is where the parser stopped.
        return new ZoneProblem(ZoneProblem.Severity.ERROR, lastFile, lastLine == 0 ? 0 : lastLine + 1, message);
    }

    private static Master innermost(Master master) {
        Master current = master;
        try {
            while (INCLUDED != null) {
                Master inner = (Master) INCLUDED.get(current);
                if (inner == null) {
                    break;
                }
                current = inner;
            }
        } catch (IllegalAccessException e) {
            return master;
        }
        return current;
    }

    private static String fileOf(Master master, String fallback) {
        try {
            File f = FILE == null ? null : (File) FILE.get(master);
            return f == null ? fallback : f.getPath();
        } catch (IllegalAccessException e) {
            return fallback;
        }
    }

    /** The line the record ended on: the tokenizer has just consumed its end of line. */
    private static int lineOf(Master master) {
        try {
            if (TOKENIZER == null || LINE == null) {
                return 0;
            }
            Tokenizer st = (Tokenizer) TOKENIZER.get(master);
            return Math.max(1, LINE.getInt(st) - 1);
        } catch (IllegalAccessException e) {
            return 0;
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
