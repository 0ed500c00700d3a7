package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarantee that keeps the collector on its MQTT client, though HiveMQ's cost less per reading in bin/bench: a
 * message left unacknowledged on purpose must not hold back the acknowledgements of the ones after it.
 */
class IntakeClientsTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void theCollectorsClientAcknowledgesTheMessagesAfterOneItLeaves_theBrokerResendsThatOneAlone() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(dir)) {
            assertThat(IntakeClients.acknowledgesPastALeftMessage(IntakeClients.VertxSubscriber::new, broker.url()))
                    .isTrue();
        }
    }

    @Test
    @Timeout(60)
    void hiveMqsClientHoldsEveryLaterAcknowledgementBackBehindALeftMessage_theBrokerResendsBoth() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(dir)) {
            assertThat(IntakeClients.acknowledgesPastALeftMessage(
                    () -> new IntakeClients.HiveMqSubscriber(true, false), broker.url())).isFalse();
            assertThat(IntakeClients.acknowledgesPastALeftMessage(
                    () -> new IntakeClients.HiveMqSubscriber(false, false), broker.url())).isFalse();
        }
    }
}
