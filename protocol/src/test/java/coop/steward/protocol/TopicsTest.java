package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void everyDeviceTopic_roundTrips() {
        for (Channel channel : Channel.values()) {
            String topic = Topics.device("food-forest", "bed-3", channel);

            assertThat(Topics.parse(topic)).contains(new DeviceTopic("food-forest", "bed-3", channel));
        }
    }

    @Test
    void topicsOutsideTheContract_doNotParse() {
        assertThat(Topics.parse("steward/v2/a/b/readings")).isEmpty();
        assertThat(Topics.parse("steward/v1/a/b/readings/extra")).isEmpty();
        assertThat(Topics.parse("steward/v1/a/readings")).isEmpty();
        assertThat(Topics.parse("steward/v1/a/alerts/x1")).isEmpty();
    }

    @Test
    void alertTopic_followsTheContract() {
        assertThat(Topics.alert("food-forest", "a-17")).isEqualTo("steward/v1/food-forest/alerts/a-17");
    }
}
