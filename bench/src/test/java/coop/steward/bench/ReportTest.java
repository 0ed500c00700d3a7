package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path tmp;

    @Test
    void aRun_rewritesTheFigures_butKeepsWhatWasMeasuredByHand() throws Exception {
        Path file = tmp.resolve("benchmarks.md");
        Files.writeString(file, """
                # Benchmarks

                | what | Steward | baseline run beside it | ratio | target | |
                | old figure | 1 | 2 | 0.50 | >= 0.5 | met |

                ## Measured by hand

                | what | before | after |
                | agent | 212.3 MB a day | 0.0 MB |
                """);
        Report report = new Report();
        report.add(new Report.Row("new figure", "3", "4", "0.75", ">= 0.5", "met"));
        report.note("a note");

        report.write(file, "a test load");

        String written = Files.readString(file);
        assertThat(written).contains("| new figure | 3 | 4 | 0.75 |").doesNotContain("old figure")
                .endsWith("\n## Measured by hand\n\n| what | before | after |\n| agent | 212.3 MB a day | 0.0 MB |\n");
        assertThat(written.indexOf("- a note")).isLessThan(written.indexOf("## Measured by hand"));
    }

    @Test
    void aFileWithNothingMeasuredByHand_getsOnlyTheRun() throws Exception {
        Path file = tmp.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\n| old figure |\n");
        Report report = new Report();
        report.add(new Report.Row("new figure", "3", "4", "0.75", ">= 0.5", "met"));

        report.write(file, "a test load");

        assertThat(Files.readString(file)).doesNotContain("old figure").doesNotContain("Measured by hand")
                .endsWith("| new figure | 3 | 4 | 0.75 | >= 0.5 | met |\n");
    }

    @Test
    void aRatioJustShortOfItsTarget_isNeverPrintedAsReachingIt() {
        assertThat(Report.ratio(0.8453, 0.85)).isEqualTo("0.845");
        assertThat(Report.ratio(0.84996, 0.85)).isEqualTo("0.84996");
        assertThat(Report.ratio(0.8453, 0.8)).as("met: two places").isEqualTo("0.85");
        assertThat(Report.ratio(0.85, 0.85)).isEqualTo("0.85");
        assertThat(Report.ratio(0.83, 0.85)).isEqualTo("0.83");
    }
}
