package coop.steward.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The contract's port rule: a default port that is taken is replaced; a port the user chose is not. */
final class Ports {
    private Ports() {
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free TCP port on this machine", e);
        }
    }

    /**
     * The chosen port when free; for a default port that is taken, a free one; for a chosen port that is taken,
     * an error naming it.
     */
    static int pick(Integer chosen, int defaultPort, String what, String option) {
        if (chosen != null) {
            if (!isFree(chosen)) {
                throw new IllegalArgumentException(what + " port " + chosen + " is already in use: stop what uses "
                        + "it, or choose another port with " + option);
            }
            return chosen;
        }
        return isFree(defaultPort) ? defaultPort : anyFree();
    }
}
