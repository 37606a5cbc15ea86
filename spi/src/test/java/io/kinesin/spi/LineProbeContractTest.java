package io.kinesin.spi;

import io.kinesin.spi.contract.HealthCheckContract;
import org.junit.jupiter.api.AfterEach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The health check contract holds for a small conforming check, and catches the hang it is
 * about: a TCP check that passes when its server says {@code ok}, against a server that
 * answers and one that accepts and says nothing.
 */
class LineProbeContractTest extends HealthCheckContract {

    private final List<ServerSocket> servers = new ArrayList<>();
    private final List<Socket> accepted = new ArrayList<>();

    @Override
    protected HealthCheck newPassingCheck() throws IOException {
        return new LineProbe(server(true));
    }

    @Override
    protected HealthCheck newSilentCheck() throws IOException {
        return new LineProbe(server(false));
    }

    @AfterEach
    void stopServers() throws IOException {
        for (ServerSocket s : servers) {
            s.close();
        }
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private InetSocketAddress server(boolean answers) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    if (answers) {
                        try (OutputStream out = s.getOutputStream()) {
                            out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Connects and reads one line, all within the deadline. */
    private record LineProbe(InetSocketAddress address) implements HealthCheck {
        @Override
        public Result check(Target target, Duration deadline) throws IOException {
            int millis = (int) Math.max(1, deadline.toMillis());
            try (Socket socket = new Socket()) {
                socket.connect(address, millis);
                socket.setSoTimeout(millis);
                String answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                return "ok".equals(answer) ? Result.pass(answer) : Result.fail(String.valueOf(answer));
            } catch (SocketTimeoutException e) {
                return Result.fail("no answer within " + deadline.toMillis() + "ms");
            }
        }
    }
}
