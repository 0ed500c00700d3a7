package coop.steward.collector.ingest;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.mqtt.MqttClient;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and restarts reading from the socket under a Vert.x MQTT client: TCP's own flow control; and makes its
 * writes leave together ({@link #writeTogether}). While the collector
 * reads nothing, the broker's writes fill the socket's buffers and it keeps what follows in the session, with the
 * connection up and nothing to send again. The client does not expose its socket (Vert.x 5.0's
 * {@code MqttClientImpl} keeps it in the private field {@code connection}); where that field is missing, as in another
 * version of the client, {@link #of} answers null and intake pauses by disconnecting instead.
 */
public final class SocketReads {
    private static final Logger LOG = LoggerFactory.getLogger(SocketReads.class);
    private static final Field SOCKET = socketField();
    /**
     * At most this many writes wait for one flush, even within one event-loop task (fewer when they pass the
     * channel's write-buffer high-water mark, which flushes them too).
     */
    private static final int FLUSHES_HELD = 1_000;

    private SocketReads() {
    }

    /** The client's socket while it is connected, or null when it cannot be reached. */
    static NetSocket of(MqttClient client) {
        if (SOCKET == null || !SOCKET.getDeclaringClass().isInstance(client)) {
            return null;
        }
        try {
            return SOCKET.get(client) instanceof NetSocket socket ? socket : null;
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /**
     * Makes the writes the client's event loop makes outside a read leave together. Vert.x flushes each such write
     * at once, so the acknowledgements of a committed batch, released in one go, left as a TCP segment each, and
     * the broker read them one by one. With Netty's consolidation, the writes of one event-loop task are flushed
     * once, when it ends. Where the socket cannot be reached, writes stay as they are. Public for {@code bin/bench},
     * whose row of the collector's client sets it up as the collector does.
     */
    public static void writeTogether(MqttClient client) {
        if (of(client) instanceof NetSocketInternal socket) {
            try {
                socket.channelHandlerContext().pipeline().addBefore("handler", "write-together",
                        new FlushConsolidationHandler(FLUSHES_HELD, true));
            } catch (RuntimeException e) {
                // Another client version's pipeline: its writes stay as they are, and the connection goes on.
                LOG.warn("Could not make the MQTT client's writes leave together ({}); each is sent on its own",
                        e.toString());
            }
        }
    }

    private static Field socketField() {
        try {
            Field field = Class.forName("io.vertx.mqtt.impl.MqttClientImpl").getDeclaredField("connection");
            if (!NetSocket.class.isAssignableFrom(field.getType())) {
                throw new NoSuchFieldException("connection is a " + field.getType().getName());
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("This version of the Vert.x MQTT client hides its socket ({}): when the store falls behind, "
                    + "intake pauses by disconnecting from the broker instead of reading nothing more", e.toString());
            return null;
        }
    }
}
