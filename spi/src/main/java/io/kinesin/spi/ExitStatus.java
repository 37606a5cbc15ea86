package io.kinesin.spi;

/**
 * How a process ended: it exited with a code, or a signal killed it.
 * {@link #code()} folds both into the one number a shell (and kinesin's own exit) reports.
 */
public sealed interface ExitStatus {

    /** The exit code, or 128+N for a death by signal N. */
    int code();

    /** True for exit code 0 only. */
    default boolean success() {
        return this instanceof Exited e && e.exitCode() == 0;
    }

    static ExitStatus exited(int code) {
        return new Exited(code);
    }

    static ExitStatus killed(Signal signal) {
        return new Killed(signal, false);
    }

    /** The process called exit(exitCode) (0-255). */
    record Exited(int exitCode) implements ExitStatus {
        public Exited {
            if (exitCode < 0 || exitCode > 255) {
                throw new IllegalArgumentException("exit code " + exitCode + " is out of range 0-255");
            }
        }

        @Override
        public int code() {
            return exitCode;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode;
        }
    }

    /** The process was killed by a signal (and maybe dumped core). */
    record Killed(Signal signal, boolean coreDumped) implements ExitStatus {
        @Override
        public int code() {
            return 128 + signal.number();
        }

        @Override
        public String toString() {
            return "killed by " + signal.sigName() + (coreDumped ? " (core dumped)" : "");
        }
    }
}
