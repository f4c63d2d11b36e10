package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;
import io.hpdns.reload.ReloadReport;
import java.io.PrintStream;
import java.util.List;

/**
 * The compiler's report to the master, on the compiler's standard output: the lines of its
 * {@link ReloadReport} (one per zone, then the errors), then the status line, {@code ok} or
 * {@code error: REASON}, as a control reply ends on the control socket. Nothing else is written
 * there: the compiler points {@code System.out} at standard error.
 */
public final class CompilerChannel {

    private CompilerChannel() {}

    /** Writes the report; called once, at the end of the compiler's run. */
    public static void write(PrintStream out, ReloadReport report) {
        ControlReply reply = report.ok() ? ControlReply.ok(report.lines())
                : ControlReply.failed(report.lines(), report.failure());
        for (String line : reply.lines()) {
            out.println(line);
        }
        out.println(reply.statusLine());
        out.flush();
    }

    /** The report read back; null when its status line is missing (the compiler did not finish). */
    static ControlReply read(List<String> lines) {
        return ControlReply.parse(lines);
    }
}
