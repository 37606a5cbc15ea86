package io.kinesin.kernel.cli;

import java.util.List;

/** What the command line asks kinesin to do. */
public sealed interface Invocation {

    /** {@code kinesin [OPTIONS] -- COMMAND [ARG...]}: one child, tini style. */
    record Single(Options options, List<byte[]> command) implements Invocation {
    }

    /** {@code kinesin [OPTIONS] --- CMD [ARG...] --- CMD ...}: several children, muinit style. */
    record Multi(Options options, List<List<byte[]>> commands) implements Invocation {
    }

    /** {@code kinesin run [OPTIONS] [CONFIG]}; config null: the default lookup. */
    record Run(Options options, String config) implements Invocation {
    }

    /** {@code kinesin check CONFIG}. */
    record Check(Options options, String config) implements Invocation {
    }

    /** {@code kinesin plugins [--plugins-dir DIR]}. */
    record Plugins(Options options) implements Invocation {
    }

    /**
     * {@code kinesin status|restart|stop|start|signal|logs}: a request to the running kinesin.
     *
     * @param requests one per target ({@code kinesin stop web worker} sends two), in order
     */
    record Control(Options options, List<io.kinesin.kernel.control.Request> requests) implements Invocation {
    }

    /** {@code kinesin version}. */
    record Version() implements Invocation {
    }

    /** {@code kinesin --help}. */
    record Help() implements Invocation {
    }
}
