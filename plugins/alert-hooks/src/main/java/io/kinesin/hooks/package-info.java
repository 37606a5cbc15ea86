/**
 * The shipped post-death hook kinds, kinesin's {@code alert-hooks} plugin: {@code exec} (a
 * command run through the kernel's spawner, the facts in its environment, exit 0 succeeds)
 * and {@code webhook} (a JSON POST with the JDK's {@link java.net.http.HttpClient}, the facts
 * and a human {@code text} line in its body, a 2xx succeeds). The kernel owns {@code type},
 * {@code when}, coalescing, counting and the on-exit budget; a hook here delivers one death
 * (or kinesin's exit) within the {@code timeout} it was configured with, or throws.
 *
 * <p>A pf4j plugin: {@link io.kinesin.hooks.ExecHookFactory} and
 * {@link io.kinesin.hooks.WebhookFactory} are its extensions. Depends on the spi (at
 * {@code provided} scope: the kernel supplies it, pf4j and Jackson's annotations) and the JDK,
 * nothing else; it never forks: exec hooks ask the kernel to spawn.
 */
package io.kinesin.hooks;
