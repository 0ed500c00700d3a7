package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reason;
import coop.steward.protocol.Rejection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class RejectionLogTest {
    private final RejectionLog log = new RejectionLog(new SimpleMeterRegistry());

    @Test
    void aHostileTopicAndDetail_areKeptEscapedAndCut() {
        String topic = "steward/v1/\u001b[31m" + "s".repeat(65_000) + "/d/readings";
        log.record(1, topic, List.of(new Rejection(Reason.INTERNAL_ERROR, "failed on \u202E" + "x".repeat(250_000))));

        RejectionLog.Entry entry = log.latest().get(0);
        assertThat(entry.topic()).hasSize(RejectionLog.TOPIC_CHARS).startsWith("steward/v1/\\u001B[31msss")
                .endsWith("\u2026");
        assertThat(entry.detail()).hasSize(RejectionLog.DETAIL_CHARS).startsWith("failed on \\u202Exxx")
                .endsWith("\u2026");
    }

    @Test
    void ordinarySentences_areKeptWhole() {
        String detail = "readings[2] (sensor 'soil-b'): t 1764000000 is before 2000-01-01; the device's clock is "
                + "probably not set (check NTP)";
        log.record(1, "steward/v1/food-forest/bed-3/readings", List.of(new Rejection(Reason.TOO_OLD, detail)));

        assertThat(log.latest()).singleElement().satisfies(e -> {
            assertThat(e.topic()).isEqualTo("steward/v1/food-forest/bed-3/readings");
            assertThat(e.detail()).isEqualTo(detail);
        });
    }

    @Test
    void theList_keepsTheLatestThousand_whateverTheyHold() {
        for (int i = 0; i < 3_000; i++) {
            log.record(i, "steward/v1/s/d/readings", List.of(new Rejection(Reason.BAD_VALUE, "x".repeat(100_000))));
        }

        assertThat(log.latest()).hasSize(RejectionLog.KEPT).allSatisfy(e -> assertThat(e.detail())
                .hasSizeLessThanOrEqualTo(RejectionLog.DETAIL_CHARS));
        assertThat(log.latest().get(0).t()).isEqualTo(2_999);
    }
}
