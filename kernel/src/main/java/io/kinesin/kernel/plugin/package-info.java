/**
 * Plugins: pf4j jars from the plugins dir, checked before they load (ownership as root, no
 * ProcessBuilder or Runtime.exec in their bytecode), loaded each in its own class loader that
 * shares only the SPI, Jackson and slf4j with kinesin, and turned into the factories their
 * kinds name. Also what the kernel lends plugins ({@link io.kinesin.spi.PluginContext}) and
 * the bridge that puts pf4j's slf4j logging into kinesin's own log. Depends on {@code config}
 * (errors), {@code log}, {@code process} and {@code supervise}; only {@code cli}, {@code config}
 * and {@code Main} depend on it.
 */
package io.kinesin.kernel.plugin;
