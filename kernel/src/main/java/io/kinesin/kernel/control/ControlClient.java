package io.kinesin.kernel.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The commands' side of the control socket: one request, then the answer copied to stdout (or
 * stderr), and the exit status kinesin sent. Without a running kinesin: one line, exit 1.
 */
public final class ControlClient {

    private ControlClient() {
    }

    public static int run(Path socket, Request request, PrintStream out, PrintStream err) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            err.println("kinesin: no running kinesin to talk to at " + socket + " (" + why(socket, e) + ")");
            return 1;
        }
        try (channel; InputStream in = Channels.newInputStream(channel)) {
            IOException unsent = null;
            try {
                channel.write(java.nio.ByteBuffer.wrap(request.encode()));
            } catch (IOException e) {
                unsent = e; // kinesin may have answered and closed before reading (a refused peer): read that answer
            }
            int exit = status(in);
            if (exit < 0 && unsent != null) {
                throw unsent;
            }
            if (exit < 0) {
                err.println("kinesin: " + socket + " closed the connection without an answer (is it a kinesin of this version?)");
                return 1;
            }
            PrintStream to = exit == 0 ? out : err;
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                to.write(buf, 0, n);
                if (in.available() == 0) {
                    to.flush(); // a follower sees each line as it comes
                }
            }
            to.flush();
            return exit;
        } catch (IOException e) {
            err.println("kinesin: the connection to " + socket + " broke: " + e.getMessage());
            return 1;
        }
    }

    /** The first line's exit status; -1 when there is none. */
    private static int status(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(4);
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                try {
                    return Integer.parseInt(sb.toString());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            if (sb.length() > 8) {
                return -1;
            }
            sb.append((char) b);
        }
        return -1;
    }

    private static String why(Path socket, IOException e) {
        if (e instanceof NoSuchFileException || !Files.exists(socket)) {
            return "no socket there; start kinesin run, or give its socket with --control PATH or KINESIN_CONTROL";
        }
        if (e instanceof ConnectException) {
            return "nothing listens on it: the kinesin that made it has exited";
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof SocketException && m.toLowerCase(java.util.Locale.ROOT).contains("permission")) {
            return "permission denied: kinesin serves root and the user it runs as";
        }
        return m;
    }
}
