package io.kinesin.kernel.ready;

import io.kinesin.kernel.logbus.LineWatch;
import io.kinesin.kernel.supervise.Event;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Ticket;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code ready.notify: log}: the first stdout or stderr line of the spawn in which
 * {@code ready.pattern} is found ({@link java.util.regex.Matcher#find}, so it need not match
 * the whole line) makes it ready. One watch serves both streams; the pump's thread calls it.
 */
public final class PatternWatch implements LineWatch {

    private final Pattern pattern;
    private final Ticket ticket;
    private final Consumer<Event> post;
    private boolean seen;

    public PatternWatch(Pattern pattern, Ticket ticket, Consumer<Event> post) {
        this.pattern = pattern;
        this.ticket = ticket;
        this.post = post;
    }

    @Override
    public boolean line(byte[] bytes, int from, int to) {
        if (seen) {
            return true;
        }
        if (pattern.matcher(new String(bytes, from, to - from, StandardCharsets.UTF_8)).find()) {
            seen = true;
            post.accept(new Event.Noticed(ticket, Notice.Ready.INSTANCE));
        }
        return seen;
    }
}
