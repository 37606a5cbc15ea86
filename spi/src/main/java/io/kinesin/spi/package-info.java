/**
 * The plugin contract: the only types a plugin sees of kinesin. Four extension points, each a
 * {@link io.kinesin.spi.Factory} named by the {@code type:} it serves:
 * {@link io.kinesin.spi.LogSinkFactory}, {@link io.kinesin.spi.HealthCheckFactory},
 * {@link io.kinesin.spi.DeathHookFactory} and {@link io.kinesin.spi.LauncherFactory}, plus
 * {@link io.kinesin.spi.PluginContext}, the plugin's door back into the kernel. Each
 * interface's javadoc says which thread calls it, within what deadline, who owns the data,
 * and what an exception does. {@link io.kinesin.spi.LineFormat} is the one piece of behaviour
 * here: the {@code raw}/{@code prefixed}/{@code json} encoding of a log line, shared by the
 * kernel's console and file-writing sinks so that all of them write the same bytes.
 *
 * <p>Depends on nothing but the JDK, pf4j and jackson-annotations; the build enforces it. It
 * grows only by default methods. Records here are immutable and safe to share between threads.
 */
package io.kinesin.spi;
