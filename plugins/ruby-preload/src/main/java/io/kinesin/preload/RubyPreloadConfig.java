package io.kinesin.preload;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;

/**
 * A {@code ruby-preload} launcher's settings (the kernel removes {@code type} and passes
 * {@code timeout}, 60s unless configured):
 * <pre>
 * launcher: { type: ruby-preload, load: config/environment.rb, run: "Worker.new.run", ruby: /usr/bin/ruby, timeout: 60s }
 * </pre>
 *
 * @param load    the file the preloader requires once; relative to the service's workdir, or to the
 *                config file's directory for a service without one
 * @param run     Ruby code each worker evaluates at top level, the app loaded
 * @param ruby    the interpreter: a bare name is looked up in the service's PATH, a relative
 *                path with a {@code /} is meant from the config file's directory
 * @param timeout bounds every wait of the launcher: a preloader's load, each launch, a reload
 */
public record RubyPreloadConfig(
        @JsonProperty("load") String load,
        @JsonProperty("run") String run,
        @JsonProperty("ruby") String ruby,
        @JsonProperty("timeout") Duration timeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public RubyPreloadConfig {
        if (load == null || load.isBlank()) {
            throw new IllegalArgumentException("load: required: the file that loads the app once (relative to the service's "
                    + "workdir), e.g. load: config/environment.rb");
        }
        if (load.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("load: holds a NUL character; name the file, e.g. load: config/environment.rb");
        }
        if (run == null || run.isBlank()) {
            throw new IllegalArgumentException("run: required: the Ruby code each worker evaluates once the app is loaded, "
                    + "e.g. run: \"Worker.new.run\"");
        }
        if (ruby == null) {
            ruby = "ruby";
        }
        if (ruby.isBlank() || ruby.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("ruby: names no program; write the interpreter's path, e.g. ruby: /usr/bin/ruby "
                    + "(leave it out for ruby from the PATH)");
        }
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be more than 0: how long loading the app or starting a worker "
                    + "may take, e.g. timeout: 60s");
        }
    }
}
