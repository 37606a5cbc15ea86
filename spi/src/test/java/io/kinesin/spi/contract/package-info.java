/**
 * Abstract contract tests, one per extension point, shipped as the spi test-jar
 * ({@code io.kinesin:kinesin-spi:tests}, type {@code test-jar}): a plugin's test extends the one
 * for its kind, supplies the object under test and a way to observe what it did, and inherits
 * the rules every implementation must keep, as Logback's appender tests do. They assert what the
 * kernel relies on, no more: delivery, deadlines, idempotent close.
 *
 * <p>Beside them, what a plugin's tests need to stand in for the kernel: {@link
 * io.kinesin.spi.contract.ProcessSpawner} (a spawner that runs real processes) and {@link
 * io.kinesin.spi.contract.Contexts} (plugin contexts around it), and {@link
 * io.kinesin.spi.contract.PluginJar}, which builds real plugin jars.
 *
 * <p>Depends on the spi, JUnit Jupiter and AssertJ (the plugin's test scope must have the last
 * two; a test-jar brings no dependencies of its own).
 */
package io.kinesin.spi.contract;
