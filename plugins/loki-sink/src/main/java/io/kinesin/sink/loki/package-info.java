/**
 * The {@code loki} log sink, kinesin's {@code loki-sink} plugin: pushes children's lines to
 * Grafana Loki with the labels {@code service}, {@code stream}, {@code instance} and the
 * configured ones, each line at the time kinesin read it (strictly increasing per stream, in
 * nanoseconds). Delivery is synchronous on the kernel's sink thread: a line is in Loki when
 * {@code write} returns; retries, backoff, the bounded queue and the counting of what never
 * arrives are the kernel's.
 *
 * <p>A pf4j plugin: {@link io.kinesin.sink.loki.LokiSinkFactory} is its one extension. Built on
 * loki4j's client layer ({@code com.github.loki4j.client}: the batcher, the JSON writer, the HTTP
 * client), bundled in the plugin's jar; not on loki4j's logback appender or its asynchronous
 * pipeline (docs/loki-sink.md says why). Depends on the spi at {@code provided} scope and never
 * starts a process.
 */
package io.kinesin.sink.loki;
