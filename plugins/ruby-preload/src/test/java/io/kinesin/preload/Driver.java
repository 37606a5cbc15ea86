package io.kinesin.preload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The test's kinesin: driver.rb, a real Ruby process that is a subreaper and starts the
 * preloader exactly as the plugin has the kernel do (the bootstrap, fd 3 a SOCK_SEQPACKET
 * socket, the jar's program as the first message), then follows one JSON command at a time.
 */
final class Driver implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedReader answers;
    private final OutputStream commands;
    final Path dir;

    Driver(Path dir) throws IOException {
        this.dir = dir;
        Path driver = copy("driver.rb", dir);
        Path program = dir.resolve("preloader.rb");
        Files.write(program, Preloader.PROGRAM);
        process = new ProcessBuilder("ruby", driver.toString(), "ruby", Preloader.BOOTSTRAP, program.toString())
                .redirectError(dir.resolve("driver.err").toFile()).start();
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        commands = process.getOutputStream();
    }

    static Path copy(String resource, Path dir) throws IOException {
        Path to = dir.resolve(resource);
        try (InputStream in = Driver.class.getResourceAsStream(resource)) {
            Files.copy(in, to);
        }
        return to;
    }

    /** Sends one command and returns its answer (20 s at most for any wait in it). */
    JsonNode send(Map<String, ?> command) throws IOException {
        commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String line = answers.readLine();
        if (line == null) {
            throw new IOException("driver.rb ended: " + Files.readString(dir.resolve("driver.err")));
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws Exception {
        commands.close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
