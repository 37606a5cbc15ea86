package io.kinesin.kernel.config;

/**
 * Thrown while a config record is built (its compact constructor, a value parser); the
 * loader adds the path Jackson was at. {@code field} is relative to that: "" for the value
 * itself, {@code timeout} or {@code a.b} for something inside it.
 */
final class ConfigProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final String field;

    ConfigProblem(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    ConfigProblem(String message) {
        this("", message);
    }

    /** The same problem one level further out: {@code inner} inside {@code field}. */
    ConfigProblem under(String outer) {
        return new ConfigProblem(field.isEmpty() ? outer : outer + "." + field, getMessage());
    }
}
