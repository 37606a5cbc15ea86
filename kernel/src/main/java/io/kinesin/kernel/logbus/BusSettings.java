package io.kinesin.kernel.logbus;

import io.kinesin.spi.Stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the bus treats lines and sinks: the longest line, each sink's queue, each stream's
 * {@link Output}, and the kernel's deadline for one call into a sink.
 *
 * @param maxLine       longer lines are cut into pieces of at most this many bytes ({@code kinesin.log.max-line})
 * @param queueBytes    each sink's queue bound ({@code sinks.NAME.queue.bytes}); absent: {@link #DEFAULT_QUEUE_BYTES}
 * @param outputs       each service's streams; a stream not listed gets {@link Output#to} its sinks
 * @param callDeadline  a call into a sink that has not returned after this long is abandoned: the
 *                      sink counts as stuck, its queue fills and the stream's overflow applies
 */
public record BusSettings(int maxLine, Map<String, Integer> queueBytes, Map<Route, Output> outputs, Duration callDeadline) {

    public static final int DEFAULT_MAX_LINE = 64 * 1024;
    public static final int MIN_MAX_LINE = 64;
    public static final int MAX_MAX_LINE = 1 << 20;
    public static final int DEFAULT_QUEUE_BYTES = 8 << 20;
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(30);
    public static final BusSettings DEFAULT = new BusSettings(DEFAULT_MAX_LINE, Map.of(), Map.of(), DEFAULT_CALL_DEADLINE);

    /** One stream of one service. */
    public record Route(String service, Stream stream) {
        public Route {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(stream, "stream");
        }
    }

    public BusSettings {
        if (maxLine < MIN_MAX_LINE || maxLine > MAX_MAX_LINE) {
            throw new IllegalArgumentException("max-line must be between " + MIN_MAX_LINE + " bytes and 1MiB, not " + maxLine);
        }
        queueBytes = Map.copyOf(queueBytes);
        queueBytes.forEach((sink, bytes) -> {
            if (bytes < 1) {
                throw new IllegalArgumentException("the queue of sink " + sink + " must hold 1 byte or more, not " + bytes);
            }
        });
        outputs = Map.copyOf(outputs);
        Objects.requireNonNull(callDeadline, "callDeadline");
        if (callDeadline.isZero() || callDeadline.isNegative()) {
            throw new IllegalArgumentException("the call deadline must be > 0");
        }
    }

    int queueBytes(String sink) {
        return queueBytes.getOrDefault(sink, DEFAULT_QUEUE_BYTES);
    }

    /** The sinks the caller names, with the buffer and overflow configured for this stream (else the defaults). */
    Output output(String service, Stream stream, List<String> sinks) {
        Output o = outputs.get(new Route(service, stream));
        return o == null ? Output.to(sinks) : new Output(sinks, o.buffer(), o.overflow());
    }

    public BusSettings withMaxLine(int bytes) {
        return new BusSettings(bytes, queueBytes, outputs, callDeadline);
    }

    public BusSettings withQueue(String sink, int bytes) {
        Map<String, Integer> q = new HashMap<>(queueBytes);
        q.put(sink, bytes);
        return new BusSettings(maxLine, q, outputs, callDeadline);
    }

    public BusSettings withOutput(String service, Stream stream, Output output) {
        Map<Route, Output> o = new HashMap<>(outputs);
        o.put(new Route(service, stream), output);
        return new BusSettings(maxLine, queueBytes, o, callDeadline);
    }

    public BusSettings withCallDeadline(Duration deadline) {
        return new BusSettings(maxLine, queueBytes, outputs, deadline);
    }
}
