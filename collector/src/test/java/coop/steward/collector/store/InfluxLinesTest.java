package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InfluxLinesTest {
    private static final SeriesKey KEY = new SeriesKey("food forest", "bed,1", "soil=a");
    private static final String SERIES = InfluxLines.seriesOf("reading", KEY, "soil_moisture", "%");

    /** Point i has value i and time 1,000 + i. */
    private static InfluxLines pointsOfOneSeries(int count) {
        InfluxLines lines = new InfluxLines();
        for (int i = 0; i < count; i++) {
            lines.series(SERIES).field("value", (double) i);
            lines.time(1_000L + i);
        }
        return lines;
    }

    @Test
    void aLargeWrite_isSentInChunksOfFiveThousandPoints_thatTogetherHoldEveryPointOnce() {
        InfluxLines lines = pointsOfOneSeries(12_001);

        List<String> chunks = lines.chunks();

        assertThat(chunks).extracting(c -> c.split("\n").length).containsExactly(5_000, 5_000, 2_001);
        assertThat(chunks).noneMatch(c -> c.startsWith("\n") || c.endsWith("\n"));
        String[] points = String.join("\n", chunks).split("\n");
        assertThat(points).hasSize(12_001);
        for (int i = 0; i < points.length; i++) {
            assertThat(points[i]).isEqualTo(SERIES + " value=" + (double) i + " " + (1_000L + i));
        }
    }

    @Test
    void aWriteOfWholeChunks_endsWithAFullChunk_notAnEmptyRequest() {
        InfluxLines lines = pointsOfOneSeries(10_000);

        assertThat(lines.points()).isEqualTo(10_000);
        assertThat(lines.chunks()).extracting(c -> c.split("\n").length).containsExactly(5_000, 5_000);
        assertThat(lines.chunks().get(1)).startsWith(SERIES + " value=5000.0 6000").endsWith("value=9999.0 10999");
        assertThat(lines.toString().split("\n")).hasSize(10_000);
    }

    @Test
    void anEmptyWrite_hasNoPoints_andOneEmptyText() {
        InfluxLines lines = new InfluxLines();

        assertThat(lines.points()).isZero();
        assertThat(lines.chunks()).containsExactly("");
        assertThat(lines.toString()).isEmpty();
    }

    @Test
    void aSeriesStart_escapesItsTagsAsEachPointWouldHave() {
        InfluxLines once = new InfluxLines();
        once.series(InfluxLines.seriesOf("reading", KEY, "soil_moisture", "%")).field("value", 1.5);
        once.time(1);
        InfluxLines each = new InfluxLines();
        each.measurement("reading").tags(KEY, "soil_moisture", "%").field("value", 1.5);
        each.time(1);

        assertThat(once.toString()).isEqualTo(each.toString())
                .isEqualTo("reading,device=bed\\,1,kind=soil_moisture,sensor=soil\\=a,site=food\\ forest,unit=% "
                        + "value=1.5 1");
    }
}
