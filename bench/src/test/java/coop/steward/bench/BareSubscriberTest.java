package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BareSubscriberTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyMessageOfTheLoadIsCounted_farPastWhatTheBrokerSendsUnacknowledged() throws Exception {
        // Mosquitto's default sends at most 20 messages unacknowledged: without its PUBACKs the run stops there.
        Load load = new Load(4, 600, 5, System.currentTimeMillis());
        try (MosquittoBroker broker = MosquittoBroker.start(dir)) {
            Timed timed = BareSubscriber.rate(broker.url(), load, Duration.ofSeconds(20));

            assertThat(timed.readings()).isEqualTo(3_000);
            try (BareSubscriber subscriber = BareSubscriber.subscribe(broker.url(), "after")) {
                CountDownLatch next = subscriber.expect(600);
                load.next().prepare().publish(broker.url());
                assertThat(next.await(20, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(200); // a message too many, had any been sent twice, would arrive by now
                assertThat(subscriber.messages()).isEqualTo(600);
            }
        }
    }

    @Test
    @Timeout(30)
    void aBrokerThatGoesAway_endsTheWaitAtOnce_insteadOfAfterTheLimit() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(dir);
             BareSubscriber subscriber = BareSubscriber.subscribe(broker.url(), "left")) {
            CountDownLatch next = subscriber.expect(1);
            broker.kill();

            assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(subscriber.messages()).isZero();
        }
    }
}
