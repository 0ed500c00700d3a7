package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The collector's retained alerts reach the broker even when a connection drops before the broker took them. */
class OutgoingTest {
    private final Outgoing outgoing = new Outgoing();
    private final List<String> sent = new ArrayList<>();
    private int nextId = 1;

    private Future<Integer> send(String topic, byte[] payload, boolean retain) {
        sent.add(topic + "=" + new String(payload, StandardCharsets.UTF_8));
        return Future.succeededFuture(nextId++);
    }

    @Test
    void aRetainedMessageNotAcknowledged_isSentAgainOnTheNextConnection_andAnAcknowledgedOneIsNot() {
        Object first = new Object();
        Object second = new Object();
        outgoing.publish(this::send, first, "steward/v1/s/alerts/a1", bytes("open"));
        outgoing.publish(this::send, first, "steward/v1/s/alerts/a2", bytes("open"));
        outgoing.acknowledged(first, 2); // a2 arrived; a1's PUBACK never came: the connection dropped

        outgoing.flush(this::send, second);

        assertThat(sent).containsExactly("steward/v1/s/alerts/a1=open", "steward/v1/s/alerts/a2=open",
                "steward/v1/s/alerts/a1=open");
    }

    @Test
    void onlyTheLatestStateOfATopic_isKept_andALateAcknowledgementOfAnOlderOneDoesNotDropIt() {
        Object connection = new Object();
        outgoing.publish(this::send, connection, "steward/v1/s/alerts/a1", bytes("open"));
        outgoing.publish(this::send, connection, "steward/v1/s/alerts/a1", bytes(""));
        outgoing.acknowledged(connection, 1); // the PUBACK of "open"

        outgoing.flush(this::send, new Object());

        assertThat(sent).containsExactly("steward/v1/s/alerts/a1=open", "steward/v1/s/alerts/a1=",
                "steward/v1/s/alerts/a1=");
    }

    @Test
    void aMessageThatCouldNotGoOut_isSentByTheNextFlushOnTheSameConnection() {
        Object connection = new Object();
        List<Boolean> full = new ArrayList<>(List.of(true));
        Outgoing.Sender sometimesFull = (topic, payload, retain) -> full.remove(0) ? Future.failedFuture("full")
                : send(topic, payload, retain);
        full.add(false);
        outgoing.publish(sometimesFull, connection, "steward/v1/s/alerts/a1", bytes("open"));
        assertThat(sent).isEmpty();

        outgoing.flush(sometimesFull, connection);

        assertThat(sent).containsExactly("steward/v1/s/alerts/a1=open");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
