package io.kinesin.kernel.supervise;

import io.kinesin.spi.Launcher;

import java.util.List;

/**
 * A launch's fds as kinesin lends them: {@code fds()[k]} is to become {@code numbers().get(k)}
 * in the instance's process. Only the kernel's {@link io.kinesin.spi.Spawner.Link} passes them
 * on, and only until the launch's stage has completed ({@link #released}): kinesin closes them
 * then, and their numbers may soon name other files.
 */
public final class LaunchFds implements Launcher.Fds {

    private final List<Integer> numbers;
    private final int[] fds;
    private volatile boolean released;

    LaunchFds(List<Integer> numbers, int[] fds) {
        this.numbers = List.copyOf(numbers);
        this.fds = fds.clone();
        if (this.numbers.size() != this.fds.length) {
            throw new IllegalArgumentException(this.numbers.size() + " numbers for " + this.fds.length + " fds");
        }
    }

    @Override
    public List<Integer> numbers() {
        return numbers;
    }

    /** kinesin's fds, in the order of {@link #numbers()}. */
    public int[] fds() {
        return fds.clone();
    }

    /** Whether the stage has completed, so that kinesin has taken its fds back. */
    public boolean released() {
        return released;
    }

    void release() {
        released = true;
    }
}
