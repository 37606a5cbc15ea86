package io.kinesin.sink.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kinesin.spi.ByteSize;
import io.kinesin.spi.LineFormat;

import java.nio.file.Path;

/**
 * A {@code file} sink's settings, as the kernel binds them from its node of the config file:
 * <pre>
 * applog:
 *   type: file
 *   path: /var/log/app/app.log     # required; directories are created
 *   format: raw                    # raw (default) | prefixed | json
 *   rotate: { size: 50MiB, keep: 5 }   # optional: app.log.1 (newest) ... app.log.5
 * </pre>
 * Constructed means valid: each check names its key and the fix. ({@code path} is not marked
 * {@code required} for Jackson, whose own message would not say what to write.)
 *
 * @param format a {@link LineFormat} label; null means {@code raw}
 * @param rotate null: the file grows without bound (or an external logrotate handles it)
 */
public record FileSinkConfig(@JsonProperty("path") String path,
                             @JsonProperty("format") String format,
                             @JsonProperty("rotate") Rotate rotate) {

    public FileSinkConfig {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path: required: the file to append lines to, e.g. path: /var/log/app/app.log");
        }
        format = format == null ? LineFormat.RAW.label() : format;
        try {
            LineFormat.of(format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return Path.of(path);
    }

    public LineFormat lineFormat() {
        return LineFormat.of(format);
    }

    /**
     * Rotation by size: before a line that would take the file past {@code size}, {@code app.log}
     * becomes {@code app.log.1}, older ones shift up, and the one beyond {@code keep} is deleted.
     *
     * @param size a size such as {@code 50MiB} (see {@link ByteSize}); required
     * @param keep how many rotated files to keep; null means 5
     */
    public record Rotate(@JsonProperty("size") String size, @JsonProperty("keep") Integer keep) {

        public Rotate {
            if (size == null) {
                throw new IllegalArgumentException("rotate.size: required when rotating, e.g. rotate: { size: 50MiB, keep: 5 }");
            }
            if (ByteSize.parse(size, "rotate.size") < 1) {
                throw new IllegalArgumentException("rotate.size: must be 1 byte or more, e.g. 50MiB");
            }
            keep = keep == null ? 5 : keep;
            if (keep < 1) {
                throw new IllegalArgumentException("rotate.keep: must be 1 or more (the rotated files kept: app.log.1 ... app.log.N); "
                        + "leave rotate out to never rotate");
            }
        }

        public long bytes() {
            return ByteSize.parse(size, "rotate.size");
        }
    }
}
