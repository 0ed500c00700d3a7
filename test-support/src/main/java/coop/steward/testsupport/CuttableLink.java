package coop.steward.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network link a test can cut: a TCP relay on a free loopback port to a server's port. Cut, it drops every
 * connection through it and refuses new ones (they are accepted and closed at once, as a dead uplink looks to a
 * client), until it is mended. Its port stays the same throughout.
 */
public final class CuttableLink implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong clientReads = new AtomicLong();
    private final AtomicLong clientBytes = new AtomicLong();
    private volatile boolean cut;
    private volatile boolean closed;

    private CuttableLink(ServerSocket server, int target) {
        this.server = server;
        this.target = target;
    }

    /** A link to {@code targetPort} on the loopback address, open. */
    public static CuttableLink to(int targetPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CuttableLink link = new CuttableLink(server, targetPort);
            Thread acceptor = new Thread(link::accept, "cuttable-link-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code tcp://127.0.0.1:port} of the link, for an MQTT client. */
    public String url() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Drops every connection through the link and refuses new ones. */
    public void cut() {
        cut = true;
        sockets.forEach(CuttableLink::closeQuietly);
        sockets.clear();
    }

    /** Lets connections through again. */
    public void mend() {
        cut = false;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, clientReads, clientBytes);
                pump(upstream, client, new AtomicLong(), new AtomicLong());
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /**
     * How many reads the link has made of what clients sent, since it opened: each read takes what had arrived, so
     * a client that writes many packets in one go is read a few times, one that writes them one by one many times.
     */
    public long clientReads() {
        return clientReads.get();
    }

    /** How many bytes clients have sent through the link since it opened. */
    public long clientBytes() {
        return clientBytes.get();
    }

    private void pump(Socket from, Socket to, AtomicLong reads, AtomicLong bytes) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    reads.incrementAndGet();
                    bytes.addAndGet(n);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut, or closed by either end
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "cuttable-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
