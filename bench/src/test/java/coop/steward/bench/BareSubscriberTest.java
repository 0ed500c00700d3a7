package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BareSubscriberTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyMessageOfEachLoadIsCountedOnce_farPastWhatTheBrokerSendsUnacknowledged() throws Exception {
        // Mosquitto's default sends at most 20 messages unacknowledged: without its PUBACKs a run stops there.
        Load load = new Load(4, 600, 5, System.currentTimeMillis());
        try (MosquittoBroker broker = MosquittoBroker.start(dir);
             BareSubscriber subscriber = BareSubscriber.subscribe(broker.url(), "counter")) {
            for (Load each : new Load[] {load, load.next()}) {
                Goal all = subscriber.expect(600);
                each.prepare().publish(broker.url());
                subscriber.await(all, Duration.ofSeconds(20));
            }
            Thread.sleep(200); // a message too many, had any been sent twice, would arrive by now
            assertThat(subscriber.messages()).isEqualTo(1_200);
        }
    }

    @Test
    @Timeout(30)
    void aBrokerThatGoesAway_failsTheWaitAtOnce_insteadOfAfterTheLimit() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(dir);
             BareSubscriber subscriber = BareSubscriber.subscribe(broker.url(), "left")) {
            Goal one = subscriber.expect(1);
            broker.kill();

            assertThatThrownBy(() -> subscriber.await(one, Duration.ofSeconds(60)))
                    .hasMessageContaining("the bare subscriber failed");
        }
    }
}
