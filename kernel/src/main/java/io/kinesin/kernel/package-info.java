/**
 * kinesin's kernel: what only PID 1 does. {@link io.kinesin.kernel.Main} parses the command
 * line ({@code cli}), builds a plan (from the CLI modes or a config file) and hands it to the
 * supervisor ({@code supervise}), which drives processes through {@code process}, the only
 * package that touches native code. Depends on the SPI and the JDK; the config file format
 * adds Jackson, loaded only by {@code kinesin run} and {@code kinesin check}.
 */
package io.kinesin.kernel;
