package io.kinesin.preload;

import io.kinesin.spi.contract.ConfigBinding;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static io.kinesin.spi.contract.ConfigBinding.bind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher's node binds with plain Jackson failing on unknown keys (as the kernel binds it once it has removed type), and says what is wrong and how to fix it. */
class RubyPreloadConfigTest {

    @Test
    void takesLoadRunRubyAndTimeout() throws Exception {
        RubyPreloadConfig c = bind("{\"load\":\"config/environment.rb\",\"run\":\"Worker.new.run\",\"ruby\":\"/usr/bin/ruby\",\"timeout\":\"20s\"}",
                RubyPreloadConfig.class);
        assertThat(c.load()).isEqualTo("config/environment.rb");
        assertThat(c.run()).isEqualTo("Worker.new.run");
        assertThat(c.ruby()).isEqualTo("/usr/bin/ruby");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void rubyComesFromThePathAndTheTimeoutIs60sUnlessSet() throws Exception {
        RubyPreloadConfig c = bind("{\"load\":\"app.rb\",\"run\":\"App.run\"}", RubyPreloadConfig.class);
        assertThat(c.ruby()).isEqualTo("ruby");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aRelativeRubyIsMeantFromTheConfigFilesDirectory() {
        Path dir = Path.of("/srv/app");
        assertThat(Preloader.ruby("ruby", dir)).isEqualTo("ruby");
        assertThat(Preloader.ruby("/opt/ruby/bin/ruby", dir)).isEqualTo("/opt/ruby/bin/ruby");
        assertThat(Preloader.ruby("./bin/ruby", dir)).isEqualTo("/srv/app/bin/ruby");
    }

    @Test
    void aRelativeLoadIsMeantFromTheWorkdirElseFromTheConfigFilesDirectory() {
        Path dir = Path.of("/srv/app");
        assertThat(Preloader.load("config/environment.rb", Path.of("/srv/www"), dir)).isEqualTo("config/environment.rb");
        assertThat(Preloader.load("config/environment.rb", null, dir)).isEqualTo("/srv/app/config/environment.rb");
        assertThat(Preloader.load("/opt/app/boot.rb", null, dir)).isEqualTo("/opt/app/boot.rb");
    }

    @Test
    void mistakes() {
        String load = "load: required: the file that loads the app once (relative to the service's workdir), e.g. load: config/environment.rb";
        assertInvalid("{\"run\":\"App.run\"}", load);
        assertInvalid("{\"load\":\" \",\"run\":\"App.run\"}", load);
        assertInvalid("{\"load\":\"a\\u0000b\",\"run\":\"App.run\"}", "load: holds a NUL character; name the file, e.g. load: config/environment.rb");
        String run = "run: required: the Ruby code each worker evaluates once the app is loaded, e.g. run: \"Worker.new.run\"";
        assertInvalid("{\"load\":\"app.rb\"}", run);
        assertInvalid("{\"load\":\"app.rb\",\"run\":\"\"}", run);
        assertInvalid("{\"load\":\"app.rb\",\"run\":\"App.run\",\"ruby\":\"\"}",
                "ruby: names no program; write the interpreter's path, e.g. ruby: /usr/bin/ruby (leave it out for ruby from the PATH)");
        assertInvalid("{\"load\":\"app.rb\",\"run\":\"App.run\",\"timeout\":\"0s\"}",
                "timeout: must be more than 0: how long loading the app or starting a worker may take, e.g. timeout: 60s");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThatThrownBy(() -> bind("{\"load\":\"app.rb\",\"run\":\"App.run\",\"preload\":true}", RubyPreloadConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"preload\"");
    }

    private static void assertInvalid(String json, String message) {
        assertThatThrownBy(() -> bind(json, RubyPreloadConfig.class)).as(json).isInstanceOf(ValueInstantiationException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
