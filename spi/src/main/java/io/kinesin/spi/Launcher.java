package io.kinesin.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Starts a service's instances some other way than a plain exec (a preloader that forks
 * workers). The launched process must end up a child of kinesin (reparented to it as PID 1 or
 * subreaper), so the kernel reaps it and supervises it like any instance: its signals, ladders,
 * restarts, readiness and health checks are the kernel's, as for {@code exec}.
 *
 * <p>One launcher is made per service that names it. Threads: {@link #launch} and
 * {@link #reload} are called on kernel launch threads, never on the supervisor's loop; several
 * launches of one service may be in flight at once (the launcher serializes what must be). The
 * kernel bounds each stage with the service's {@code launcher.timeout}; a stage that fails or
 * times out is a failed start, which the restart policy answers like a program that cannot be
 * executed.
 */
public interface Launcher extends AutoCloseable {

    /**
     * Starts one instance. The process must get {@code spec.fds()} at their numbers, the
     * environment exactly as given, its own session, a clean signal mask and default signal
     * dispositions, and no other fd.
     *
     * @return completes with the process's pid once it is known (the process may have died
     *         already: the kernel keeps the exit status of a pid nobody has claimed yet, for
     *         two minutes)
     */
    CompletionStage<Launched> launch(LaunchSpec spec);

    /**
     * {@code kinesin restart SERVICE}: load the service's code anew (a fresh preloader), so that
     * the instances the kernel then replaces one at a time start from it. Instances already
     * running are left alone. Completes when the launcher is ready to launch from the new code;
     * exceptionally if it cannot (the old instances then keep running).
     */
    default CompletionStage<Void> reload() {
        return CompletableFuture.completedFuture(null);
    }

    /** Stops what the launcher itself runs (a preloader); called once, when kinesin is done with the service. */
    @Override
    default void close() throws Exception {
    }

    /**
     * One instance to start.
     *
     * @param argv        the service's {@code command}, empty if it has none (a preloader's
     *                    launcher has its own keys instead)
     * @param environment its whole environment, {@code KINESIN_SERVICE}, {@code KINESIN_INSTANCE}
     *                    and readiness variables included
     * @param workdir     null: kinesin's own
     * @param user        the service's {@code user:} (a name or {@code uid[:gid]}) the process
     *                    must run as; null: kinesin's own
     * @param fds         what the process must have open, at which numbers
     */
    record LaunchSpec(String service, int instance, List<String> argv, Map<String, String> environment, Path workdir,
                      String user, Fds fds) {
        public LaunchSpec {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            fds = fds == null ? List::of : fds;
        }

        /** One to run as kinesin's own user, with no fds handed over (the SPI's first form). */
        public LaunchSpec(String service, int instance, List<String> argv, Map<String, String> environment, Path workdir) {
            this(service, instance, argv, environment, workdir, null, null);
        }
    }

    /**
     * The open files an instance's process must have: its stdin, stdout and stderr (the log
     * bus's pipes) and a readiness channel, if any. They are the kernel's: a launcher hands
     * them on only with {@link Spawner.Link#send}, which passes copies (SCM_RIGHTS); the kernel
     * closes its own once the launch's stage has completed.
     */
    interface Fds {
        /** The fd numbers the process must have them at, ascending: 0, 1, 2 and, say, 3. */
        List<Integer> numbers();
    }

    /** The started instance's pid (the kernel claims it: its exit status is delivered even if it died already). */
    record Launched(long pid) {
    }
}
