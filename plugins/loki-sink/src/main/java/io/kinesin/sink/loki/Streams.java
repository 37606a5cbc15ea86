package io.kinesin.sink.loki;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.Stream;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loki's streams, one per service, instance and output: their label sets ({@code service},
 * {@code stream}, {@code instance}, then the configured labels), made once each, and the
 * timestamp last delivered on each, so that every line gets one strictly later, in nanoseconds
 * (Loki then never refuses a line as out of order or drops it as a duplicate).
 */
final class Streams {

    private record Key(String service, int instance, Stream stream) {
    }

    /** One Loki stream: its labels and the last timestamp Loki took on it (epoch nanoseconds). */
    static final class Entry {
        final Map<String, String> labels;
        long delivered = Long.MIN_VALUE;

        private Entry(Map<String, String> labels) {
            this.labels = labels;
        }
    }

    private final Map<String, String> configured;
    private final Map<Key, Entry> streams = new HashMap<>();

    Streams(Map<String, String> configured) {
        this.configured = configured;
    }

    Entry of(LogLine line) {
        return streams.computeIfAbsent(new Key(line.service(), line.instance(), line.stream()), k -> {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("service", k.service());
            labels.put("stream", k.stream().label());
            labels.put("instance", Integer.toString(k.instance()));
            labels.putAll(configured);
            return new Entry(Collections.unmodifiableMap(labels));
        });
    }

    /** Nanoseconds since the epoch. */
    static long nanos(java.time.Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }
}
