package io.kinesin.kernel.config;

/**
 * A config file is wrong: {@code path: message}, e.g.
 * {@code services.web.restart: unknown policy "sometimes"; expected no, on-failure, always}.
 * kinesin prints it as one line and exits 2.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final String detail;

    public ConfigException(String path, String message) {
        super(oneLine(path.isEmpty() ? message : path + ": " + message));
        this.path = path;
        this.detail = message;
    }

    /** Parser messages (SnakeYAML's) span lines; kinesin's error is one. */
    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    public String path() {
        return path;
    }

    /** The message without its path. */
    public String detail() {
        return detail;
    }
}
