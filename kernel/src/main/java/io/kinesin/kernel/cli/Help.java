package io.kinesin.kernel.cli;

import java.io.PrintStream;

/** {@code kinesin --help}. */
public final class Help {

    private Help() {
    }

    public static void print(PrintStream out) {
        out.print("""
                kinesin: a container init and multi-process supervisor

                usage:
                  kinesin [OPTIONS] -- COMMAND [ARG...]            one child, tini/dumb-init style
                  kinesin [OPTIONS] --- CMD [ARG...] --- CMD ...   several children, muinit style
                  kinesin run [OPTIONS] [CONFIG]                   services from a config file
                  kinesin check CONFIG                             validate a config, print it normalized
                  kinesin plugins [--plugins-dir DIR]              list plugins and the kinds they provide
                  kinesin status [--json]                          every service and instance of the running kinesin
                  kinesin restart|stop|start SERVICE[.N]...        restart; stop and hold down; start again
                  kinesin signal SIG SERVICE[.N]...                send a signal, as forwarding would
                  kinesin logs [-f] [-n N] [SERVICE]               the last N lines (100) of each stream; -f follows
                  kinesin version

                options:
                  -k SIGNALS        termination ladder, sent in turn to what is still alive
                                    (comma-separated names or numbers; repeatable)    [TERM,KILL]
                  -t DURATION       wait after each ladder step (2, 2s, 500ms)         [2s]
                  -s SIGNALS        signals forwarded to children    [all catchable but CHLD and the ladder's]
                  -g, --no-group    forward to each child's process group / to its pid only  [group]
                  -r FROM:TO        rewrite a forwarded signal; TO 0 drops it
                  -e CODE           treat this exit code of a child as 0 (repeatable), e.g. -e 143
                  --log-format F    logfmt or json                                    [logfmt]
                  --log-level L     error, warn, info, debug               [warn; run: info]
                  --http ADDR       run's HTTP endpoint (/livez /readyz /status /metrics /):
                                    :8558 (every interface), 127.0.0.1:8558, [::1]:8558
                  --plugins-dir DIR where plugin jars are found
                  --control PATH    run's control socket, which the commands above talk to
                                    [$KINESIN_CONTROL, else /run/kinesin/control.sock]

                SIGTERM (and SIGINT, which is forwarded first) starts the ladder; a second one skips
                to the next step. SIGQUIT is the JVM's: it prints kinesin's own thread dump on stderr.
                exit status: the child's (--), else the first failure; 128+N for signal N; 2 for
                usage and config errors; 126/127 when a program cannot be executed.
                """);
    }
}
