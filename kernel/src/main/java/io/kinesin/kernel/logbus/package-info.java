/**
 * Children's output: pipes read by one pump thread, framed into lines (never split, never
 * merged with another child's), and written to named sinks ({@code console} on kinesin's
 * stdout with a {@code web | } prefix, files). A slow sink slows only the pump, never the
 * supervisor. Depends on {@code process} (pipes, poll, writes) and {@code log}.
 */
package io.kinesin.kernel.logbus;
