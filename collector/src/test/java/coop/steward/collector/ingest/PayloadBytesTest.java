package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadBytesTest {
    private static final byte[] SENT = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aPayloadsBytesAreExactlyWhatWasSent_whateverBufferHoldsThem() {
        Buffer exact = Buffer.buffer(SENT.clone());
        Buffer roomy = Buffer.buffer(64).appendBytes(SENT);
        Buffer offset = Buffer.buffer("xx").appendBytes(SENT).slice(2, 2 + SENT.length);
        Buffer shorter = Buffer.buffer(SENT.clone()).slice(0, SENT.length - 1);

        assertThat(PayloadBytes.of(exact)).isEqualTo(SENT);
        assertThat(PayloadBytes.of(roomy)).isEqualTo(SENT);
        assertThat(PayloadBytes.of(offset)).isEqualTo(SENT);
        assertThat(PayloadBytes.of(shorter)).isEqualTo("{\"v\":1".getBytes(StandardCharsets.UTF_8));
        assertThat(PayloadBytes.of(Buffer.buffer())).isEmpty();
    }
}
