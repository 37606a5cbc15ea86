package io.kinesin.probes;

import io.kinesin.spi.Budget;
import io.kinesin.spi.HealthCheck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Connects to {@code host:port} and closes at once: a completed connect passes. The name is
 * looked up at every check (a restarted container may come back at another address), on a
 * virtual thread so that a slow resolver counts against the deadline instead of outliving it.
 */
final class TcpCheck implements HealthCheck {

    private final String host;
    private final int port;

    /** @param host a name, an address literal, or empty for the loopback address */
    TcpCheck(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public Result check(Target target, Duration deadline) throws InterruptedException {
        Budget d = new Budget(deadline);
        InetAddress address;
        try {
            address = resolve(d);
        } catch (TimeoutException e) {
            return Result.fail(d.spent() + " (looking up " + host + ")");
        } catch (ExecutionException e) {
            return Result.fail(e.getCause() instanceof UnknownHostException ? "unknown host " + host : Detail.of(e.getCause()));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), d.leftMillis());
            return Result.pass("connected");
        } catch (SocketTimeoutException e) {
            return Result.fail(d.spent());
        } catch (IOException e) {
            return Result.fail(Detail.of(e));
        }
    }

    private InetAddress resolve(Budget d) throws TimeoutException, ExecutionException, InterruptedException {
        if (host.isEmpty()) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException aName) {
            CompletableFuture<InetAddress> lookup = new CompletableFuture<>();
            Thread.ofVirtual().name("probes-tcp-lookup").start(() -> {
                try {
                    lookup.complete(InetAddress.getByName(host));
                } catch (UnknownHostException | RuntimeException e) {
                    lookup.completeExceptionally(e);
                }
            });
            return d.await(lookup);
        }
    }

    /** Nothing to release: each check's process or socket is gone when it answers. */
    @Override
    public void close() {
    }
}
