/**
 * Children's output: pipes read by one pump thread, framed into lines (never split, never
 * merged with another child's), and written to named sinks ({@code console} on kinesin's
 * stdout with a {@code web | } prefix, files). The pump never blocks on a sink's fd: a sink
 * that does not keep up holds back only the children that write to it, and a sink whose writes
 * fail holds a bounded amount, retries with backoff, and counts what it drops. Nothing here
 * slows the supervisor. Depends on {@code process} (pipes, poll, writes) and {@code log}.
 */
package io.kinesin.kernel.logbus;
