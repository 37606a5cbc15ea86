package io.kinesin.probes;

import io.kinesin.spi.Budget;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs the command through the kernel's spawner, with the checked instance's environment and
 * user, and passes when it exits 0. The kernel kills the process group at the deadline at the
 * latest; this check does not wait for that: when the deadline passes it sends KILL itself and
 * answers. Safe for checks of several instances at once (nothing is shared but the spawner).
 */
final class ExecCheck implements HealthCheck {

    private final List<String> argv;
    private final Spawner spawner;

    ExecCheck(ExecCheckConfig config, Spawner spawner) {
        this.argv = config.command();
        this.spawner = spawner;
    }

    @Override
    public Result check(Target target, Duration deadline) throws InterruptedException {
        Budget d = new Budget(deadline);
        CompletableFuture<Spawner.Child> started = Budget.future(
                spawner.spawn(new Spawner.Command(argv, target.environment(), null, target.user(), null, deadline)));
        Spawner.Child child;
        try {
            child = d.await(started);
        } catch (ExecutionException e) {
            return Result.fail("cannot run " + argv.getFirst() + ": " + Detail.of(e.getCause()));
        } catch (TimeoutException | InterruptedException e) {
            started.thenAccept(late -> late.signal(Signal.KILL)); // if it starts after all, it is not waited for
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            return Result.fail(d.spent() + " (not started)");
        }
        try {
            ExitStatus status = d.await(child.exit());
            return status.success() ? Result.pass(Detail.of(status)) : Result.fail(Detail.of(status));
        } catch (TimeoutException e) {
            child.signal(Signal.KILL);
            return Result.fail(d.spent() + " (killed)");
        } catch (InterruptedException e) {
            child.signal(Signal.KILL);
            throw e;
        } catch (ExecutionException e) {
            return Result.fail("lost track of pid " + child.pid() + ": " + Detail.of(e.getCause()));
        }
    }

    /** Nothing to release: each check's process or socket is gone when it answers. */
    @Override
    public void close() {
    }
}
