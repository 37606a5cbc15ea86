package io.kinesin.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A service for health checks to probe: {@code python3 web.py PORT FILE} serves HTTP on
 * 127.0.0.1:PORT, answering every GET 200 while FILE exists and 503 while it does not.
 */
final class HealthPage {

    private HealthPage() {
    }

    /** A directory in /tmp that services running as another user can read too. */
    static Path directory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** Writes the server's script to {@code script}. */
    static void write(Path script) throws IOException {
        Files.writeString(script, """
                import http.server, os, sys
                port, ok = int(sys.argv[1]), sys.argv[2]
                class Health(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200 if os.path.exists(ok) else 503)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    def log_message(self, *args):
                        pass
                http.server.HTTPServer.allow_reuse_address = True
                print("serving", port, flush=True)
                http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
                """);
    }
}
