package io.kinesin.kernel.cli;

/** The command line (or a config file) is wrong: kinesin prints the message and exits 2. */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
