package io.kinesin.kernel.ready;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.kernel.process.Sockets;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Ticket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * kleinhirn's (and einhorn's) ack: a connected unix socket the child has as fd
 * {@code KINESIN_STATUS_FD}; it writes one JSON line {@code {"action":"ack","id":"<KINESIN_WORKER_ID>"}}
 * (an object without its newline counts too, once its closing brace has arrived or the child
 * closes the socket).
 * Other lines are ignored (logged at debug); an ack with another id is ignored with a warning.
 * kinesin keeps its end open until the process dies, so a worker that writes again does not get
 * EPIPE.
 */
final class AckChannel extends Channel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE = 4096;

    private final int as;
    private final String id;
    private final Log log;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int ours;
    private int theirs;
    private boolean acked;

    AckChannel(Ticket ticket, int as, Log log) {
        super(ticket);
        this.as = as;
        this.id = ticket.service + "." + ticket.instance;
        this.log = log;
        int[] pair = Sockets.streamPair();
        this.ours = pair[0];
        this.theirs = pair[1];
    }

    @Override
    int fd() {
        return ours;
    }

    @Override
    public List<SpawnSpec.Handover> handovers() {
        return List.of(new SpawnSpec.Handover(theirs, as));
    }

    @Override
    public List<String> environment() {
        return List.of("KINESIN_STATUS_FD=" + as, "KINESIN_WORKER_ID=" + id);
    }

    @Override
    void spawned() {
        if (theirs >= 0) {
            Fds.close(theirs);
            theirs = -1;
        }
    }

    @Override
    void readable(Poller poller, BiConsumer<Ticket, Notice> out) {
        byte[] bytes = new byte[1024];
        int n = poller.read(ours, bytes);
        if (n == 0) {
            pending(out); // a last line without its newline still counts
            close(); // every copy of the child's end is closed
            return;
        }
        for (int k = 0; k < n; k++) {
            if (bytes[k] != '\n') {
                if (line.size() < MAX_LINE) {
                    line.write(bytes[k]);
                }
                continue;
            }
            pending(out);
        }
        if (line.size() > 0 && bytes[n - 1] == '}' && complete(line.toString(StandardCharsets.UTF_8))) {
            pending(out); // a JSON object written without its newline, by a child that then waits
        }
    }

    private static boolean complete(String text) {
        try {
            return JSON.readTree(text) != null;
        } catch (java.io.IOException e) {
            return false; // not yet: more of it is on its way
        }
    }

    /** The line gathered so far, as a message (if it is not blank), and a fresh line. */
    private void pending(BiConsumer<Ticket, Notice> out) {
        String text = line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        if (!text.isEmpty()) {
            message(text, out);
        }
    }

    private void message(String text, BiConsumer<Ticket, Notice> out) {
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (java.io.IOException e) {
            log.warn("not a JSON ack; ignored", "service", ticket.service, "instance", ticket.instance, "line", text);
            return;
        }
        if (m == null || !"ack".equals(m.path("action").asText(null))) {
            log.debug("status message ignored", "service", ticket.service, "instance", ticket.instance, "line", text);
            return;
        }
        String said = m.path("id").asText("");
        if (!said.equals(id)) {
            log.warn("ack with another worker's id; ignored", "service", ticket.service, "instance", ticket.instance,
                    "id", said, "expected", id);
            return;
        }
        if (!acked) {
            acked = true;
            out.accept(ticket, Notice.Ready.INSTANCE);
        }
    }

    @Override
    void close() {
        spawned();
        if (ours >= 0) {
            Fds.close(ours);
            ours = -1;
        }
    }
}
