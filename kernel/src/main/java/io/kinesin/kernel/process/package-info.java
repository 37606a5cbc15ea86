/**
 * The process layer: glibc through the FFM API (posix_spawn, waitpid, kill, prctl, the
 * terminal), signal catching through the JVM, and what /proc says about kinesin itself.
 * Above this package everything speaks Java types ({@link io.kinesin.spi.Signal},
 * {@link io.kinesin.spi.ExitStatus}, byte arrays for what children see). May depend only on
 * the SPI and the JDK.
 */
package io.kinesin.kernel.process;
