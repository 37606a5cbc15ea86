package io.kinesin.kernel.supervise;

import io.kinesin.kernel.process.SpawnSpec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What an instance runs and with what around it. Bytes are exactly what the child gets.
 *
 * @param argv        the program and its arguments
 * @param environment the whole environment, before kinesin adds {@code KINESIN_SERVICE}/{@code KINESIN_INSTANCE}
 * @param identify    whether to add {@code KINESIN_SERVICE} and {@code KINESIN_INSTANCE} (not in the CLI modes,
 *                    whose children get kinesin's environment unchanged)
 * @param workdir     null: kinesin's own
 * @param user        null: kinesin's own user
 */
public record Command(List<byte[]> argv, List<byte[]> environment, boolean identify, byte[] workdir,
                      SpawnSpec.Session session, Input stdin, Output stdout, Output stderr, UserSpec user) {

    public Command {
        argv = List.copyOf(argv);
        environment = List.copyOf(environment);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program");
        }
        Objects.requireNonNull(session);
        Objects.requireNonNull(stdin);
        Objects.requireNonNull(stdout);
        Objects.requireNonNull(stderr);
    }

    /** argv for log lines: UTF-8 (bytes that are not become U+FFFD), space-separated. */
    public String display() {
        return argv.stream().map(a -> new String(a, StandardCharsets.UTF_8)).collect(Collectors.joining(" "));
    }

    /** Where an instance's stdin comes from. */
    public sealed interface Input {
        Input INHERIT = new Inherit();
        Input NULL = new Null();

        record Inherit() implements Input {
        }

        record Null() implements Input {
        }

        record File(String path) implements Input {
        }
    }

    /** Where an instance's stdout or stderr goes. */
    public sealed interface Output {
        Output INHERIT = new Inherit();
        Output NULL = new Null();

        /** kinesin's own fd, shared as is: no copy, no prefix. */
        record Inherit() implements Output {
        }

        record Null() implements Output {
        }

        /** Read by kinesin and written, line by line, to these sinks. */
        record Sinks(List<String> names) implements Output {
            public Sinks {
                names = List.copyOf(names);
            }
        }
    }

    /**
     * The user and groups an instance runs as. posix_spawn cannot change them, so the child
     * is started through util-linux {@code setpriv}, which sets them and execs the command.
     *
     * @param setpriv where setpriv is (found when the config is loaded)
     */
    public record UserSpec(String spec, int uid, int gid, List<Integer> groups, byte[] setpriv) {
        public UserSpec {
            groups = List.copyOf(groups);
        }

        /** {@code setpriv --reuid=U --regid=G --groups=... -- ARGV}. */
        public List<byte[]> wrap(List<byte[]> argv) {
            List<byte[]> out = new java.util.ArrayList<>(argv.size() + 5);
            out.add(setpriv);
            out.add(("--reuid=" + Integer.toUnsignedString(uid)).getBytes(StandardCharsets.US_ASCII));
            out.add(("--regid=" + Integer.toUnsignedString(gid)).getBytes(StandardCharsets.US_ASCII));
            out.add((groups.isEmpty() ? "--clear-groups" : "--groups=" + groups.stream().map(Integer::toUnsignedString)
                    .collect(Collectors.joining(","))).getBytes(StandardCharsets.US_ASCII));
            out.add("--".getBytes(StandardCharsets.US_ASCII));
            out.addAll(argv);
            return out;
        }
    }
}
