package io.kinesin.spi;

import io.kinesin.spi.contract.LauncherContract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The launcher contract's own plumbing (the stage, the deadline, the skip) against a stand-in
 * that "launches" by naming this JVM, which is running: spi has no spawner to start a real
 * process with, and must not use ProcessBuilder. Real launchers extend the contract in their
 * plugin's tests.
 */
class ThisProcessLauncherContractTest extends LauncherContract {

    @Override
    protected Launcher newLauncher() {
        return spec -> Files.isExecutable(Path.of(spec.argv().getFirst()))
                ? CompletableFuture.completedFuture(new Launcher.Launched(ProcessHandle.current().pid()))
                : CompletableFuture.failedFuture(new java.io.IOException(spec.argv().getFirst() + ": not found (ENOENT)"));
    }

    @Override
    protected Launcher.LaunchSpec runningSpec() {
        return new Launcher.LaunchSpec("web", 0, List.of(ProcessHandle.current().info().command().orElseThrow()), Map.of(), null, null, List::of);
    }

    @Override
    protected Launcher.LaunchSpec unstartableSpec() {
        return new Launcher.LaunchSpec("web", 0, List.of("/nonexistent/program"), Map.of(), null, null, List::of);
    }
}
