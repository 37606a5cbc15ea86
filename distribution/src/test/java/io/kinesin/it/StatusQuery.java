package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Asks a running kinesin through its control socket ({@code kinesin status --json} and the other commands). */
final class StatusQuery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;

    StatusQuery(Path socket) {
        this.socket = socket;
    }

    /** {@code kinesin ARGS... --control SOCKET}. */
    Kinesin.Result ctl(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--control");
        a.add(socket.toString());
        return Kinesin.args(a.toArray(String[]::new)).run();
    }

    /** The whole status, or null while kinesin does not answer. */
    JsonNode status() {
        try {
            Kinesin.Result r = ctl("status", "--json");
            return r.status() == 0 ? JSON.readTree(r.stdout()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** One instance's status, or null. */
    JsonNode instance(String service, int n) {
        JsonNode s = status();
        return s == null ? null : s.path("services").path(service).path("instances").path(n);
    }

    /** An instance's pid, 0 if it has no process (or kinesin does not answer). */
    int pid(String service, int n) {
        JsonNode i = instance(service, n);
        return i == null || i.path("pid").isNull() ? 0 : i.path("pid").asInt();
    }

    /** An instance's state, "" if kinesin does not answer. */
    String state(String service, int n) {
        JsonNode i = instance(service, n);
        return i == null ? "" : i.path("state").asText();
    }
}
