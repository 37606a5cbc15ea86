/**
 * The {@code file} log sink, kinesin's {@code file-sink} plugin: appends children's lines to a
 * file in the {@code raw}, {@code prefixed} or {@code json} format, rotates it by size
 * ({@code app.log} to {@code app.log.1}, ...), reopens it on SIGHUP for an external logrotate,
 * and keeps every line whole and once through disk-full and I/O errors.
 *
 * <p>A pf4j plugin: {@link io.kinesin.sink.file.FileSinkFactory} is its one extension. Depends
 * on the spi (at {@code provided} scope: the kernel supplies it, pf4j and Jackson's
 * annotations) and the JDK, nothing else; it never starts a process.
 */
package io.kinesin.sink.file;
