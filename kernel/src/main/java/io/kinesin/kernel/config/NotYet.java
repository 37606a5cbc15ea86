package io.kinesin.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;

/** Keys the interface defines that this version of kinesin does not implement yet: a clear error, not silence. */
final class NotYet {

    private NotYet() {
    }

    static void reject(JsonNode value, String field, String what) {
        if (value != null && !value.isNull()) {
            throw new ConfigProblem(field, "not in this version of kinesin yet (" + what + "); remove " + field);
        }
    }
}
