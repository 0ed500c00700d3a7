package coop.steward.collector.ingest;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A received payload's bytes. Vert.x's MQTT client has already copied each payload out of Netty's pooled memory into
 * a heap buffer of its own, of exactly its size, which nothing writes to after: its array is taken as it is, where a
 * second copy cost a twelfth of the ingest event loop. Any other buffer (another Vert.x version may hand over
 * something else) is copied, as before.
 */
final class PayloadBytes {
    private PayloadBytes() {
    }

    static byte[] of(Buffer payload) {
        if (payload instanceof BufferInternal internal) {
            ByteBuf buf = internal.getByteBuf();
            if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
                    && buf.writerIndex() == buf.array().length) {
                return buf.array();
            }
        }
        return payload.getBytes();
    }
}
