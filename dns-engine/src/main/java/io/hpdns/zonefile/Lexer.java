package io.hpdns.zonefile;

/**
 * Splits master file text (RFC 1035 §5.1) into tokens, straight from its bytes: a token is a range
 * of the input, never a copy. Handles what the RFC gives the lexical level: blanks between fields,
 * {@code ;} comments, parentheses that let a record span lines, quoted strings, and the
 * {@code \X} and {@code \DDD} escapes (kept as written, for the field parsers to decode).
 *
 * <p>Line ends are LF, CRLF or a lone CR, as dnsjava counts them. One token can be pushed back.
 */
final class Lexer {
    static final int EOF = 0;
    static final int EOL = 1;
    static final int WORD = 2;
    static final int QUOTED = 3;

    private byte[] in;
    private int limit;
    private int pos;
    private int line = 1;
    /** Open parentheses: while above 0, line ends are blanks (RFC 1035 §5.1). */
    private int depth;
    private int openLine;

    /** The current token: its kind, its bytes {@code in[start..end)} (inside the quotes), its line. */
    private int kind = EOL;
    private int start;
    private int end;
    private int tokenLine = 1;
    private boolean pushedBack;

    Lexer(byte[] in, int from, int limit) {
        reset(in, from, limit);
    }

    /** Starts over on other text, at line 1. */
    void reset(byte[] text, int from, int to) {
        in = text;
        pos = from;
        limit = to;
        line = 1;
        depth = 0;
        kind = EOL;
        tokenLine = 1;
        pushedBack = false;
    }

    byte[] input() {
        return in;
    }

    /** Where the next token is read from. */
    int position() {
        return pos;
    }

    /** The line the next token is read on. */
    int nextLine() {
        return line;
    }

    /** Goes on reading at {@code from}, the start of a line, numbered {@code fromLine}. */
    void resume(int from, int fromLine) {
        pos = from;
        line = fromLine;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    int kind() {
        return kind;
    }

    /** The line of the current token (of an EOL, the line it ends). */
    int line() {
        return tokenLine;
    }

    /**
     * At the start of a line: whether it begins with a blank, which RFC 1035 §5.1 reads as "the
     * owner of the previous record".
     */
    boolean blankFirst() {
        return !pushedBack && pos < limit && (in[pos] == ' ' || in[pos] == '\t');
    }

    /** Returns the current token again from the next {@link #next}. */
    void pushBack() {
        pushedBack = true;
    }

    /** The next token; a fault of the text is thrown once the lexer has passed it. */
    int next() throws ScanException {
        if (pushedBack) {
            pushedBack = false;
            return kind;
        }
        while (pos < limit) {
            int c = in[pos];
            switch (c) {
                case ' ', '\t' -> pos++;
                case '\r' -> {
                    if (pos + 1 < limit && in[pos + 1] == '\n') {
                        pos++;
                    } else if (endOfLine()) {
                        return kind;
                    }
                }
                case '\n' -> {
                    if (endOfLine()) {
                        return kind;
                    }
                }
                case ';' -> {
                    while (pos < limit && in[pos] != '\n' && in[pos] != '\r') {
                        pos++;
                    }
                }
                case '(' -> {
                    if (depth++ == 0) {
                        openLine = line;
                    }
                    pos++;
                }
                case ')' -> {
                    pos++;
                    if (depth == 0) {
                        tokenLine = line;
                        kind = WORD;
                        throw new ScanException("')' without an open '('");
                    }
                    depth--;
                }
                case '"' -> {
                    return quoted();
                }
                default -> {
                    return word();
                }
            }
        }
        tokenLine = line;
        start = end = pos;
        kind = EOF;
        if (depth > 0) {
            depth = 0;
            tokenLine = openLine;
            throw new ScanException("'(' is never closed");
        }
        return kind;
    }

    /** At a line end: within parentheses a blank (false), else the EOL token (true). */
    private boolean endOfLine() {
        tokenLine = line++;
        pos++;
        if (depth > 0) {
            return false;
        }
        kind = EOL;
        start = end = pos;
        return true;
    }

    private int word() throws ScanException {
        tokenLine = line;
        start = pos;
        kind = WORD;
        while (pos < limit) {
            int c = in[pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '(' || c == ')' || c == '"') {
                break;
            }
            if (c == '\\') {
                escape();
            } else {
                pos++;
            }
        }
        end = pos;
        return kind;
    }

    private int quoted() throws ScanException {
        tokenLine = line;
        start = ++pos;
        kind = QUOTED;
        while (true) {
            if (pos >= limit) {
                end = pos;
                throw new ScanException("end of file in a quoted string");
            }
            int c = in[pos];
            if (c == '"') {
                end = pos++;
                return kind;
            }
            if (c == '\n' || c == '\r') {
                end = pos;
                throw new ScanException("line end in a quoted string");
            }
            if (c == '\\') {
                escape();
            } else {
                pos++;
            }
        }
    }

    /** Steps over a backslash and the byte it escapes, which may be a line end. */
    private void escape() throws ScanException {
        if (pos + 1 >= limit) {
            pos = limit;
            throw new ScanException("a backslash at the end of the file");
        }
        pos += 2;
        if (in[pos - 1] == '\n') {
            line++;
        }
    }

    /**
     * After a fault: skips the rest of the record, to its line end outside parentheses, so reading
     * resumes at the next record. A record already ended by its EOL is not skipped further.
     */
    void skipRecord() {
        pushedBack = false;
        if (kind == EOL || kind == EOF) {
            return;
        }
        boolean quoting = false;
        while (pos < limit) {
            int c = in[pos++];
            if (c == '\\') {
                if (pos < limit && in[pos] == '\n') {
                    line++;
                }
                pos++;
            } else if (c == '\n' || (c == '\r' && (pos >= limit || in[pos] != '\n'))) {
                line++;
                quoting = false;
                if (depth == 0) {
                    break;
                }
            } else if (quoting) {
                quoting = c != '"';
            } else if (c == '"') {
                quoting = true;
            } else if (c == ';') {
                while (pos < limit && in[pos] != '\n' && in[pos] != '\r') {
                    pos++;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            }
        }
        pos = Math.min(pos, limit);
        depth = 0;
        kind = EOL;
    }
}
