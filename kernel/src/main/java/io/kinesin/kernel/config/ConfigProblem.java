package io.kinesin.kernel.config;

/**
 * Thrown while a config record is built (its compact constructor, a value parser); the
 * loader adds the path Jackson was at. {@code field} is relative to that: "" for the value
 * itself, {@code timeout} or {@code a.b} for something inside it.
 */
final class ConfigProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final String field;
    /** A required key is absent: the loader checks whether a misspelling of it is there. */
    final boolean missing;

    ConfigProblem(String field, String message) {
        this(field, message, false);
    }

    private ConfigProblem(String field, String message, boolean missing) {
        super(message, null, false, false);
        this.field = field;
        this.missing = missing;
    }

    static ConfigProblem missing(String field, String message) {
        return new ConfigProblem(field, message, true);
    }

    ConfigProblem(String message) {
        this("", message);
    }

    /** The same problem one level further out: {@code inner} inside {@code field}. */
    ConfigProblem under(String outer) {
        return new ConfigProblem(field.isEmpty() ? outer : outer + "." + field, getMessage(), missing);
    }
}
