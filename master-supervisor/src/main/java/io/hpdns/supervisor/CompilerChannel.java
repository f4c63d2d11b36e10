package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;
import io.hpdns.reload.ReloadReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The master and the zone compiler talk over the compiler's standard input and output, in lines.
 * The master writes a {@link CompileRequest}; the compiler answers with its report: the lines of
 * its {@link ReloadReport} (one per zone, then the errors), then the status line, {@code ok} or
 * {@code error: REASON}, as a control reply ends on the control socket. Then it waits for the next
 * request, and exits at the end of its input. Nothing else is written to that output: the
 * compiler points {@code System.out} at standard error.
 */
public final class CompilerChannel {

    private CompilerChannel() {}

    /** The master's side: sends one request. */
    static void send(Writer compiler, CompileRequest request) throws IOException {
        compiler.write(request.line());
        compiler.write('\n');
        compiler.flush();
    }

    /**
     * The compiler's side: the next request, or null at the end of the input (the master is done
     * with this compiler, or gone).
     *
     * @throws IllegalArgumentException when the line is no request
     */
    public static CompileRequest receive(BufferedReader master) throws IOException {
        String line = master.readLine();
        return line == null ? null : CompileRequest.parse(line);
    }

    /** The compiler's side: writes the report of one request. */
    public static void write(PrintStream out, ReloadReport report) {
        write(out, report.ok() ? ControlReply.ok(report.lines()) : ControlReply.failed(report.lines(), report.failure()));
    }

    /** The compiler's side: writes a report that is a failure alone. */
    public static void writeFailure(PrintStream out, String error) {
        write(out, ControlReply.failed(List.of(), error));
    }

    private static void write(PrintStream out, ControlReply reply) {
        for (String line : reply.lines()) {
            out.println(line);
        }
        out.println(reply.statusLine());
        out.flush();
    }

    /**
     * The master's side: the report of one request, read up to its status line; null when the
     * output ends first (the compiler did not finish).
     */
    static ControlReply read(BufferedReader compiler) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = compiler.readLine(); line != null; line = compiler.readLine()) {
            lines.add(line);
            if (ControlReply.isStatusLine(line)) {
                return ControlReply.parse(lines);
            }
        }
        return null;
    }
}
