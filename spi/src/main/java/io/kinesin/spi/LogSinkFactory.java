package io.kinesin.spi;

import org.pf4j.ExtensionPoint;

/** Makes {@link LogSink}s: a {@code sinks:} entry with this {@code type}. */
public interface LogSinkFactory<C> extends Factory<C, LogSink>, ExtensionPoint {
}
