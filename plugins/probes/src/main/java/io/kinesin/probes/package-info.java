/**
 * The shipped health check kinds, kinesin's {@code probes} plugin: {@code exec} (a command run
 * through the kernel's spawner, exit 0 passes), {@code http} (a request with the JDK's
 * {@link java.net.http.HttpClient}, status 200-399 passes) and {@code tcp} (a completed connect
 * passes). The kernel owns the schedule and the counting ({@code every}, {@code timeout},
 * {@code failures}, {@code action}...); a check here answers one question within the deadline
 * it is given.
 *
 * <p>A pf4j plugin: {@link io.kinesin.probes.ExecCheckFactory},
 * {@link io.kinesin.probes.HttpCheckFactory} and {@link io.kinesin.probes.TcpCheckFactory}
 * are its extensions. Depends on the spi (at {@code provided} scope: the kernel supplies it,
 * pf4j and Jackson's annotations) and the JDK, nothing else; it never forks: exec checks ask
 * the kernel to spawn.
 */
package io.kinesin.probes;
