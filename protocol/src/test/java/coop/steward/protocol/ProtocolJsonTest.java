package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {
    @Test
    void ack_isEncodedAsInclusiveRangePairs() {
        byte[] ack = ProtocolJson.encodeAck(List.of(new SeqRange(1040, 1045), new SeqRange(1047, 1047)));

        assertThat(new String(ack, StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"seq\":[[1040,1045],[1047,1047]]}");
        assertThat(ProtocolJson.decodeAck(ack)).containsExactly(new SeqRange(1040, 1045), new SeqRange(1047, 1047));
    }

    @Test
    void malformedAck_isRefusedWithAReason() {
        assertThatThrownBy(() -> ProtocolJson.decodeAck("{\"v\":1,\"seq\":[[3]]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pair");
    }

    @Test
    void lastWill_carriesOnlyVersionAndState() {
        assertThat(new String(ProtocolJson.encode(StatusMessage.lastWill()), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1,\"state\":\"offline\"}");
    }

    @Test
    void onlineStatus_usesTheContractFieldNames() {
        String json = new String(ProtocolJson.encode(StatusMessage.online(1764000000000L, "0.1.0", 3, 12)),
                StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"v\":1,\"state\":\"online\",\"t\":1764000000000,\"agent\":\"0.1.0\","
                + "\"outbox\":3,\"uptime_s\":12}");
        assertThat(ProtocolJson.decodeStatus(json.getBytes(StandardCharsets.UTF_8)).uptimeS()).isEqualTo(12);
    }

    @Test
    void agentStatus_addsOutboxHealthFields_thatOlderReadersIgnore() {
        String json = new String(ProtocolJson.encode(StatusMessage.online(1764000000000L, "0.1.0", 3, 12, 40, 7,
                false)), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"v\":1,\"state\":\"online\",\"t\":1764000000000,\"agent\":\"0.1.0\","
                + "\"outbox\":3,\"uptime_s\":12,\"dropped\":40,\"uncorrectable\":7,\"clock_synced\":false}");
        StatusMessage decoded = ProtocolJson.decodeStatus(json.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.dropped()).isEqualTo(40);
        assertThat(decoded.clockSynced()).isFalse();
    }

    @Test
    void readingsMessage_leavesOutAMissingUnit() {
        byte[] json = ProtocolJson.encode(ReadingsMessage.of("bed-3", 5,
                List.of(new Reading("ph", "x_ph", 1764000000000L, 6.5, null))));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"device\":\"bed-3\",\"seq\":5,"
                + "\"readings\":[{\"sensor\":\"ph\",\"kind\":\"x_ph\",\"t\":1764000000000,\"value\":6.5}]}");
    }

    @Test
    void agentStatus_namesTheHashOfTheConfigItRuns_andAStatusWithoutOneStillReads() {
        String hash = ConfigAck.hashOf("site: food-forest\n".getBytes(StandardCharsets.UTF_8));
        String json = new String(ProtocolJson.encode(StatusMessage.online(1764000000000L, "0.1.0", 0, 12)
                .withConfig(hash)), StandardCharsets.UTF_8);

        assertThat(json).endsWith(",\"config\":\"" + hash + "\"}");
        assertThat(ProtocolJson.decodeStatus(json.getBytes(StandardCharsets.UTF_8)).config()).isEqualTo(hash);
        assertThat(ProtocolJson.decodeStatus("{\"v\": 1, \"state\": \"online\", \"t\": 1}"
                .getBytes(StandardCharsets.UTF_8)).config()).isNull();
    }
}
