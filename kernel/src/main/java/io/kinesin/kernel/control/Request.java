package io.kinesin.kernel.control;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One request on the control socket: a verb and its words, sent as one line of tab-separated
 * UTF-8. The answer is a line with the exit status the command should exit with, then the
 * text to print: on stdout for 0, on stderr otherwise ({@code logs -f} streams until either side
 * closes).
 *
 * <p>Verbs: {@code status [json]}, {@code restart|stop|start TARGET}, {@code signal SIG TARGET},
 * {@code logs N follow|- [SERVICE]}.
 */
public record Request(String verb, List<String> words) {

    /** The longest request line the server reads. */
    static final int MAX_BYTES = 4096;

    public Request {
        words = List.copyOf(words);
        for (String w : words) {
            if (w.indexOf('\t') >= 0 || w.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a tab or newline in \"" + w + "\"");
            }
        }
    }

    public static Request of(String verb, String... words) {
        return new Request(verb, List.of(words));
    }

    byte[] encode() {
        StringBuilder sb = new StringBuilder(verb);
        for (String w : words) {
            sb.append('\t').append(w);
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    static Request decode(String line) {
        String[] parts = line.split("\t", -1);
        return new Request(parts[0], Arrays.asList(parts).subList(1, parts.length));
    }

    String word(int i) {
        return i < words.size() ? words.get(i) : null;
    }
}
