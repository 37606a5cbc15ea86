/**
 * Children's output: pipes read by one pump thread, framed into lines (never split, never
 * merged with another child's; an over-long line cut and its pieces flagged), stamped with the
 * time they were read, gathered into batches per stream ({@code buffer}) and handed to every
 * sink of the stream. Each sink has its own worker thread and bounded queue and is driven only
 * through {@link io.kinesin.spi.LogSink}, so a plugin's sink and the built-in ones ({@code
 * console}; {@code file} until the file-sink plugin replaces it) are treated alike. A full
 * queue holds back only the children that write to it ({@code overflow: block}) or drops their
 * lines for that sink, counted ({@code drop}); a failing sink retries with backoff, a hung one
 * is reported; nothing here slows the supervisor. Depends on {@code spi}, {@code process}
 * (pipes, poll, writes) and {@code log}.
 */
package io.kinesin.kernel.logbus;
