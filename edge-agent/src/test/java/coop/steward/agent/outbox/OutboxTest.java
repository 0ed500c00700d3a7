package coop.steward.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.SeqRange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    private static final String BOOT = "boot-1";
    private static final long TIMEOUT_MS = 30_000;
    private static final long HOLD_MS = 5_000;

    @TempDir
    Path dir;
    private Outbox outbox;

    @BeforeEach
    void open() {
        outbox = Outbox.open(dir, 1_000_000, BOOT, "test/outbox", 10);
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    @Test
    void confirmedMessages_leave_andTheRestStays() {
        addMessages(6, 10);
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 100))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);

        assertThat(outbox.acknowledge(List.of(new SeqRange(1, 3), new SeqRange(5, 5)))).isEqualTo(40);

        assertThat(outbox.readings()).isEqualTo(20);
        assertThat(outbox.messages()).isEqualTo(2);
        assertThat(seqs(outbox.due(1_000 + TIMEOUT_MS, TIMEOUT_MS, 100))).containsExactly(0L, 4L);
    }

    @Test
    void sentMessage_isDueAgainOnlyAfterTheAckTimeout() {
        addMessages(1, 1);

        assertThat(outbox.due(1_000, TIMEOUT_MS, 10)).hasSize(1);
        assertThat(outbox.due(30_999, TIMEOUT_MS, 10)).isEmpty();
        assertThat(seqs(outbox.due(31_000, TIMEOUT_MS, 10))).containsExactly(0L);
    }

    @Test
    void messageTheBrokerDidNotTake_isDueAtOnce_inItsPlace() {
        addMessages(3, 1);
        List<Outbox.Entry> due = outbox.due(1_000, TIMEOUT_MS, 10);

        outbox.unsent(due.get(1));
        outbox.unsent(due.get(2));

        assertThat(seqs(outbox.due(1_001, TIMEOUT_MS, 10))).containsExactly(1L, 2L);
    }

    @Test
    void sending_isInSeqOrder_andStopsWhenTheWindowOfUnconfirmedMessagesIsFull() {
        addMessages(25, 1);

        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 4))).containsExactly(0L, 1L, 2L, 3L);
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 100))).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(outbox.due(1_000, TIMEOUT_MS, 100)).as("window of 10 full").isEmpty();

        outbox.acknowledge(List.of(new SeqRange(0, 2)));

        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 100))).containsExactly(10L, 11L, 12L);
    }

    @Test
    void unconfirmedMessageSentWellBeforeAConfirmedOne_isPresumedDroppedByTheBroker_andDueAtOnce() {
        addMessages(3, 1);
        outbox.due(1_000, TIMEOUT_MS, 1);
        outbox.due(1_000 + SendWindow.REORDER_MARGIN_MS, TIMEOUT_MS, 2);

        outbox.acknowledge(List.of(new SeqRange(2, 2)));

        assertThat(seqs(outbox.due(1_001 + SendWindow.REORDER_MARGIN_MS, TIMEOUT_MS, 10)))
                .as("seq 1 went with seq 2 and may still be on its way; seq 0 went long before").containsExactly(0L);
    }

    @Test
    void ackForAMessageNotSentOnThisConnection_isIgnored_soAStaleAckCannotDeleteAnUnsentMessage() {
        addMessages(3, 5);
        outbox.due(1_000, TIMEOUT_MS, 1);

        assertThat(outbox.acknowledge(List.of(new SeqRange(0, 2)))).isEqualTo(5);

        assertThat(outbox.readings()).isEqualTo(10);
    }

    @Test
    void afterReconnecting_everythingUnconfirmedIsDueAgain_fromTheLowestSeq() {
        addMessages(3, 1);
        outbox.due(1_000, TIMEOUT_MS, 10);

        outbox.reconnected();

        assertThat(seqs(outbox.due(1_001, TIMEOUT_MS, 10))).containsExactly(0L, 1L, 2L);
    }

    @Test
    void messagesAndTheSeqCounter_surviveReopening_evenWhenEveryMessageWasConfirmed() {
        addMessages(3, 2);
        outbox.due(1_000, TIMEOUT_MS, 10);
        outbox.acknowledge(List.of(new SeqRange(0, 0)));
        reopen();

        assertThat(outbox.readings()).isEqualTo(4);
        assertThat(outbox.nextSeq()).isEqualTo(3);
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).containsExactly(1L, 2L);

        outbox.acknowledge(List.of(new SeqRange(1, 2)));
        reopen();

        assertThat(outbox.readings()).isZero();
        assertThat(outbox.nextSeq()).as("seq never goes back, even with an empty outbox").isEqualTo(3);
    }

    @Test
    void heldMessage_confirmedWithinTheHold_isSentAndLeaves_withoutEverReachingTheDisk() throws Exception {
        hold(1_000, 5);

        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).containsExactly(0L);
        assertThat(outbox.readings()).as("held readings count as waiting").isEqualTo(5);
        assertThat(outbox.spill(1_000 + HOLD_MS - 1, HOLD_MS)).as("not yet unconfirmed for the hold").isZero();
        assertThat(outbox.acknowledge(List.of(new SeqRange(0, 0)))).isEqualTo(5);

        assertThat(outbox.readings()).isZero();
        assertThat(messagesOnDisk()).isZero();
    }

    @Test
    void heldMessage_stillUnconfirmedAfterTheHold_isWrittenToDisk_andSurvivesReopening() throws Exception {
        hold(1_000, 5);
        hold(2_000, 5);
        outbox.due(2_000, TIMEOUT_MS, 10);

        assertThat(outbox.spill(1_000 + HOLD_MS, HOLD_MS)).as("only the one held for the whole hold").isEqualTo(1);
        assertThat(messagesOnDisk()).isEqualTo(1);
        assertThat(outbox.acknowledge(List.of(new SeqRange(0, 1)))).as("confirmed, on disk or held").isEqualTo(10);
        assertThat(messagesOnDisk()).isZero();

        hold(3_000, 2);
        outbox.spill(3_000 + HOLD_MS, HOLD_MS);
        reopen();

        assertThat(outbox.readings()).isEqualTo(2);
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).containsExactly(2L);
    }

    @Test
    void messageWrittenStraightToDisk_goesAfterTheHeldOnes_soTheDiskKeepsSeqOrder() throws Exception {
        hold(1_000, 1);
        hold(1_000, 1);
        addMessages(1, 1);

        assertThat(messagesOnDisk()).isEqualTo(3);
        assertThat(outbox.heldReadings()).isZero();
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).containsExactly(0L, 1L, 2L);
    }

    @Test
    void heldAndStoredMessages_areSentTogether_inSeqOrder_withinTheWindow() {
        addMessages(2, 1);
        hold(1_000, 1);
        hold(1_000, 1);

        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 3))).containsExactly(0L, 1L, 2L);
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).containsExactly(3L);
        outbox.reconnected();
        assertThat(seqs(outbox.due(2_000, TIMEOUT_MS, 10))).as("all again on a new connection")
                .containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void closing_writesWhatIsHeld_andTheNextSeqGoesOnWithoutAGap() throws Exception {
        hold(1_000, 3);
        reopen();

        assertThat(outbox.readings()).isEqualTo(3);
        assertThat(outbox.nextSeq()).as("the unused rest of the reserved block is given back").isEqualTo(1);
    }

    @Test
    void fullOutbox_dropsTheOldestMessages_countsTheirReadings_andKeepsTheCountAcrossRestarts() {
        outbox.close();
        outbox = Outbox.open(dir, 1_000, BOOT, "test/outbox", 10);
        addMessages(12, 100);

        assertThat(outbox.readings()).isEqualTo(1_000);
        assertThat(outbox.dropped()).isEqualTo(200);
        reopen();

        assertThat(outbox.dropped()).isEqualTo(200);
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 100))).startsWith(2L, 3L).hasSize(10);
    }

    @Test
    void readingsTakenBeforeTheClockWasSet_waitUnsent_untilCorrected_thenCarryTheirRealTime() throws Exception {
        long staleWall = 1_700_000_000_000L; // the clock as the Pi booted with it
        long monotonicAtFirst = 5_000_000_000L;
        long[] monotonic = {monotonicAtFirst, monotonicAtFirst + 1_000_000_000L};
        outbox.addUntimed(outbox.nextSeq(), payload(0, staleWall, staleWall + 1_000), monotonic, BOOT, staleWall);
        addMessages(1, 1);

        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).as("only the message with a right time").containsExactly(1L);
        assertThat(outbox.untimedReadings()).isEqualTo(2);

        // NTP sets the clock: 10 s of monotonic time after the first reading, the real time is realNow.
        long realNow = 1_764_000_000_000L;
        assertThat(outbox.correctTimes(BOOT, realNow, monotonicAtFirst + 10_000_000_000L, 100)).isEqualTo(1);

        List<Outbox.Entry> due = outbox.due(1_001, TIMEOUT_MS, 10);
        assertThat(seqs(due)).containsExactly(0L);
        ReadingsMessage sent = ProtocolJson.mapper().readValue(due.get(0).payload(), ReadingsMessage.class);
        assertThat(sent.seq()).isZero();
        assertThat(sent.readings()).extracting(Reading::t).containsExactly(realNow - 10_000, realNow - 9_000);
        assertThat(outbox.untimedReadings()).isZero();
        assertThat(outbox.uncorrectable()).isZero();
    }

    @Test
    void readingsTakenBeforeTheClockWasSetInAnEarlierBoot_areKeptOut_andCountedAsUncorrectable() {
        outbox.addUntimed(outbox.nextSeq(), payload(0, 1_000_000_000_000L), new long[] {42}, "boot-0", 0);
        addMessages(1, 1);
        outbox.close();

        outbox = Outbox.open(dir, 1_000_000, BOOT, "test/outbox", 10);

        assertThat(outbox.uncorrectable()).isEqualTo(1);
        assertThat(outbox.readings()).isEqualTo(1);
        assertThat(outbox.correctTimes(BOOT, 1_764_000_000_000L, 100, 100)).isZero();
        assertThat(seqs(outbox.due(1_000, TIMEOUT_MS, 10))).containsExactly(1L);
    }

    @Test
    void outbox_isAnSqliteFileInWalMode_thatFsyncsEveryCommit() throws Exception {
        addMessages(1, 1);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteOutbox.FILE));
             Statement s = db.createStatement();
             ResultSet mode = s.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertThat(mode.getString(1)).isEqualTo("wal");
        }
        // synchronous is per connection: ask the outbox's own.
        try (SqliteOutbox probe = SqliteOutbox.open(dir.resolve("probe"))) {
            assertThat(probe.synchronousMode()).as("PRAGMA synchronous: 2 is FULL").isEqualTo(2);
        }
    }

    @Test
    void secondOutboxOnTheSameFolder_isRefused_soTwoAgentsCannotShareOne() {
        assertThatThrownBy(() -> Outbox.open(dir, 1_000, BOOT, "test/other", 10))
                .isInstanceOf(OutboxException.class)
                .hasMessageContaining("another agent is running with the storage folder");
    }

    private void addMessages(int count, int readingsEach) {
        for (int i = 0; i < count; i++) {
            long seq = outbox.nextSeq();
            long[] times = new long[readingsEach];
            for (int r = 0; r < readingsEach; r++) {
                times[r] = 1_764_000_000_000L + seq * 1_000 + r;
            }
            outbox.add(seq, payload(seq, times), readingsEach, 0);
        }
    }

    private void hold(long now, int readingsEach) {
        long seq = outbox.nextSeq();
        long[] times = new long[readingsEach];
        for (int r = 0; r < readingsEach; r++) {
            times[r] = 1_764_000_000_000L + seq * 1_000 + r;
        }
        outbox.hold(seq, payload(seq, times), readingsEach, 0, now);
    }

    private long messagesOnDisk() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteOutbox.FILE));
             Statement s = db.createStatement();
             ResultSet count = s.executeQuery("SELECT count(*) FROM message")) {
            count.next();
            return count.getLong(1);
        }
    }

    static byte[] payload(long seq, long... times) {
        List<Reading> readings = new ArrayList<>();
        for (long t : times) {
            readings.add(new Reading("soil-a", "soil_moisture", t, 31.5, "%"));
        }
        return ProtocolJson.encode(ReadingsMessage.of("bed-1", seq, readings));
    }

    private void reopen() {
        outbox.close();
        outbox = Outbox.open(dir, 1_000_000, BOOT, "test/outbox", 10);
    }

    private static List<Long> seqs(List<Outbox.Entry> entries) {
        return entries.stream().map(Outbox.Entry::seq).toList();
    }
}
