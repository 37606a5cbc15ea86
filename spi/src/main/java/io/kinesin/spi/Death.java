package io.kinesin.spi;

import java.time.Instant;

/**
 * The facts of one death of an instance, as post-death hooks get them.
 *
 * @param pid         0 if the process could not be started at all
 * @param status      how it ended
 * @param deaths      its deaths within the crash-loop window, this one included
 * @param willRestart whether kinesin starts it again
 * @param state       the instance's state after this death ({@code backoff}, {@code exited}, {@code failed}, ...)
 * @param coalesced   earlier deaths folded into this call because the hook was still busy with one (0 usually)
 */
public record Death(String service, int instance, long pid, ExitStatus status, int deaths, boolean willRestart,
                    String state, Instant at, int coalesced) {
}
