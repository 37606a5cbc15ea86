package io.kinesin.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Starts a service's instances some other way than a plain exec (a preloader that forks
 * workers). The launched process must end up a child of kinesin (reparented to it as PID 1 or
 * subreaper), so the kernel reaps it and supervises it like any instance.
 *
 * <p>Threads: {@link #launch} is called on a kernel worker thread and must complete its stage
 * within the kernel's deadline; a stage that fails or times out is a failed start.
 */
public interface Launcher extends AutoCloseable {

    CompletionStage<Launched> launch(LaunchSpec spec);

    @Override
    default void close() throws Exception {
    }

    /**
     * One instance to start.
     *
     * @param environment its whole environment, {@code KINESIN_SERVICE}, {@code KINESIN_INSTANCE}
     *                    and readiness variables included
     * @param workdir     null: kinesin's own
     */
    record LaunchSpec(String service, int instance, List<String> argv, Map<String, String> environment, Path workdir) {
        public LaunchSpec {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
        }
    }

    /** The started instance's pid (the kernel claims it: its exit status is delivered even if it died already). */
    record Launched(long pid) {
    }
}
