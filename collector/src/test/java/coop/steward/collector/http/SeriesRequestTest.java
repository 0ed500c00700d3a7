package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.SeriesQuery;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesRequestTest {
    private static final long NOW = 1_764_000_000_000L;

    private static MultiMap params(String... pairs) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        map.add("site", "food-forest").add("device", "bed-1").add("sensor", "soil-a");
        for (int i = 0; i < pairs.length; i += 2) {
            map.add(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void defaults_areTheLast24HoursRaw() {
        SeriesQuery q = SeriesRequest.parse(params(), NOW);

        assertThat(q.isRaw()).isTrue();
        assertThat(q.to()).isEqualTo(NOW);
        assertThat(q.from()).isEqualTo(NOW - 86_400_000L);
        assertThat(q.limit()).isEqualTo(10_000);
    }

    @Test
    void times_acceptEpochMillisAndIsoInstants() {
        SeriesQuery q = SeriesRequest.parse(params("from", "2025-11-24T16:00:00Z", "to", Long.toString(NOW)), 0);

        assertThat(q.from()).isEqualTo(1_764_000_000_000L);
        assertThat(q.to()).isEqualTo(NOW);
    }

    @ParameterizedTest
    @CsvSource({"60s, 60000", "5m, 300000", "1h, 3600000", "1d, 86400000", "1500, 1500", "250ms, 250"})
    void step_acceptsUnitsAndMilliseconds(String step, long millis) {
        SeriesQuery q = SeriesRequest.parse(params("step", step, "agg", "max"), NOW);

        assertThat(q.stepMillis()).isEqualTo(millis);
        assertThat(q.aggregation()).isEqualTo(Aggregation.MAX);
    }

    @Test
    void step_withoutAgg_meansMean() {
        assertThat(SeriesRequest.parse(params("step", "1h"), NOW).aggregation()).isEqualTo(Aggregation.MEAN);
    }

    @Test
    void maxPoints_picksTheSmallestStepThatFits() {
        // One day: 1,440 one-minute buckets, 288 five-minute buckets.
        long day = 86_400_000L;
        assertThat(SeriesQuery.stepFor(NOW - day, NOW, 1000)).isEqualTo(300_000L);
        assertThat(SeriesQuery.stepFor(NOW - day, NOW, 1440)).isEqualTo(60_000L);
        // One year at 1000 points: 6 h buckets (1,460) do not fit, 1 d (365 or 366) does.
        assertThat(SeriesQuery.stepFor(NOW - 365 * day, NOW, 1000)).isEqualTo(day);
        // An unaligned range overlaps one more bucket than its length suggests.
        assertThat(SeriesQuery.stepFor(500, 500 + 10_000, 10)).isEqualTo(5_000L);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"from, yesterday", "to, 12:00", "step, 5x", "step, 0s", "step, -5m", "agg, median", "limit, 0",
            "limit, many", "maxPoints, 0"})
    void badParameter_isRefusedNamingIt(String name, String value) {
        MultiMap params = params(name, value);
        if (name.equals("agg")) {
            params.add("step", "1m");
        }
        assertThatThrownBy(() -> SeriesRequest.parse(params, NOW))
                .isInstanceOf(ApiError.class)
                .hasMessageContaining(name);
    }

    @Test
    void stepAndMaxPointsTogether_areRefused() {
        assertThatThrownBy(() -> SeriesRequest.parse(params("step", "1m", "maxPoints", "100"), NOW))
                .hasMessageContaining("either step or maxPoints");
    }

    @Test
    void fromAfterTo_isRefused() {
        assertThatThrownBy(() -> SeriesRequest.parse(params("from", "2000", "to", "1000"), NOW))
                .hasMessageContaining("after");
    }

    @Test
    void missingOrInvalidIds_areRefused() {
        MultiMap noSensor = MultiMap.caseInsensitiveMultiMap().add("site", "a").add("device", "b");
        assertThatThrownBy(() -> SeriesRequest.parse(noSensor, NOW)).hasMessageContaining("sensor is required");
        MultiMap upper = params();
        upper.set("site", "Food-Forest");
        assertThatThrownBy(() -> SeriesRequest.parse(upper, NOW)).hasMessageContaining("not a valid id");
    }
}
