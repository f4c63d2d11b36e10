package io.hpdns.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hpdns ctl} without picocli: the entry point {@code scripts/hpdns} runs for {@code ctl}.
 * Loading picocli and building its model of every command takes longer than the command itself,
 * and ctl is what scripts and monitoring call again and again. So the usual forms are read here:
 * {@code --control PATH}, {@code -c FILE} or {@code --config FILE} ({@code --control=PATH} and
 * {@code --config=FILE} too), then {@code COMMAND [ZONE]}. Anything else (help, version, another
 * form, a usage error) goes to the picocli command, which answers or reports it as for every
 * command. Either way the work is {@link CtlInvocation}'s.
 */
public final class CtlMain {

    private CtlMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    private static int run(String[] args) {
        CtlInvocation invocation = parse(args);
        if (invocation == null) {
            List<String> ctl = new ArrayList<>(List.of("ctl"));
            ctl.addAll(List.of(args));
            String[] command = ctl.toArray(String[]::new);
            return HpdnsCommand.commandLine(command).execute(command);
        }
        PrintWriter out = new PrintWriter(System.out, false, System.out.charset());
        PrintWriter err = new PrintWriter(System.err, false, System.err.charset());
        try {
            invocation.run(out, err);
            return 0;
        } catch (CommandFailure failure) {
            failure.report(err);
            return CommandFailure.EXIT_CODE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The invocation the arguments ask for, or null when they are not in a form read here. */
    private static CtlInvocation parse(String[] args) {
        Path control = null;
        Path configFile = null;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value = null;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (name.equals("--control") || name.equals("-c") || name.equals("--config")) {
                if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                    return null;
                }
                value = args[++i];
            } else if (!name.startsWith("-")) {
                positional.add(name);
                continue;
            }
            switch (name) {
                case "--control" -> {
                    if (control != null) {
                        return null;
                    }
                    control = Path.of(value);
                }
                case "-c", "--config" -> {
                    if (configFile != null) {
                        return null;
                    }
                    configFile = Path.of(value);
                }
                default -> {
                    return null;
                }
            }
        }
        if (positional.isEmpty() || positional.size() > 2) {
            return null;
        }
        try {
            return CtlInvocation.of(control, configFile, positional.get(0),
                    positional.size() == 2 ? positional.get(1) : null);
        } catch (CtlInvocation.UsageError e) {
            return null;
        }
    }
}
