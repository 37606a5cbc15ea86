package io.kinesin.spi;

import org.pf4j.ExtensionPoint;

import java.util.OptionalLong;

/** Makes {@link LogSink}s: a {@code sinks:} entry with this {@code type}. */
public interface LogSinkFactory<C> extends Factory<C, LogSink>, ExtensionPoint {

    /**
     * The bytes of lines the bus holds for a sink of this kind while it is slow or down, when
     * the config sets no {@code queue.bytes}; empty: kinesin's default (8 MiB). A sink that
     * waits out outages of a server (Loki) asks for more. Called once per use while the config
     * is bound, within the same deadline as {@link #create}; clamped to what {@code queue.bytes}
     * accepts (4 KiB to 1 GiB).
     */
    default OptionalLong defaultQueueBytes() {
        return OptionalLong.empty();
    }
}
