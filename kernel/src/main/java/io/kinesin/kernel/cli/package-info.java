/**
 * The command line: parsing raw argument bytes, usage errors, and the config-less modes
 * ({@code --} and {@code ---}) as plans. Depends on {@code supervise} and {@code process}.
 */
package io.kinesin.kernel.cli;
