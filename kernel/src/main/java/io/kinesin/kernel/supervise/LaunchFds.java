package io.kinesin.kernel.supervise;

import io.kinesin.spi.Launcher;

import java.util.List;

/**
 * A launch's fds as kinesin holds them: {@code fds[k]} is to become {@code numbers[k]} in the
 * instance's process. Only the kernel's {@link io.kinesin.spi.Spawner.Link} can pass them on.
 */
public record LaunchFds(List<Integer> numbers, int[] fds) implements Launcher.Fds {
    public LaunchFds {
        numbers = List.copyOf(numbers);
        if (numbers.size() != fds.length) {
            throw new IllegalArgumentException(numbers.size() + " numbers for " + fds.length + " fds");
        }
    }
}
