package coop.steward.agent.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import coop.steward.agent.sensor.MockPi;
import coop.steward.config.ActuatorConfig;
import coop.steward.protocol.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** Commands as they come from {@code cmd}, and the acks that go back on {@code cmd/ack}. */
class ActuatorsTest {
    private static final long NOW = 1_764_000_000_000L;
    private final MockPi pi = new MockPi();
    private Actuators actuators;
    private Valve valve;

    @BeforeEach
    void start() {
        actuators = Actuators.open(List.of(new ActuatorConfig("valve", "valve_state", 27, true,
                        Duration.ofSeconds(1800), Duration.ofSeconds(60), ActuatorConfig.DEFAULT_MIN_CLOSED,
                        ActuatorConfig.DEFAULT_MAX_OPEN_PER_DAY)), pi.board(),
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), "bed-1");
        valve = actuators.valves().get(0);
    }

    @AfterEach
    void stop() {
        actuators.close();
        pi.close();
    }

    @Test
    void open_isDone_andSaysTheValveIsOpen() {
        String ack = handle("{\"v\":1,\"id\":\"c-17\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":600}");

        assertThat(ack).isEqualTo("{\"v\":1,\"id\":\"c-17\",\"outcome\":\"done\",\"state\":1}");
        assertThat(valve.isOpen()).isTrue();
    }

    @Test
    void close_isDone_evenWhenTheValveIsClosedAlready() {
        handle("{\"v\":1,\"id\":\"c-1\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":60}");

        assertThat(handle("{\"v\":1,\"id\":\"c-2\",\"actuator\":\"valve\",\"action\":\"close\"}"))
                .isEqualTo("{\"v\":1,\"id\":\"c-2\",\"outcome\":\"done\",\"state\":0}");
        assertThat(handle("{\"v\":1,\"id\":\"c-3\",\"actuator\":\"valve\",\"action\":\"close\"}"))
                .isEqualTo("{\"v\":1,\"id\":\"c-3\",\"outcome\":\"done\",\"state\":0}");
    }

    @Test
    void openingForLongerThanMaxOpenSeconds_isRefused() {
        assertThat(handle("{\"v\":1,\"id\":\"c-4\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":7200}"))
                .isEqualTo("{\"v\":1,\"id\":\"c-4\",\"outcome\":\"refused\",\"reason\":\"seconds 7200 is more than "
                        + "valve's maxOpenSeconds (1800)\",\"state\":0}");
        assertThat(valve.isOpen()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON | {v:1 | | not JSON",
            "an array | [1] | | not a JSON object",
            "no id | {\"v\":1,\"actuator\":\"valve\",\"action\":\"close\"} | | id must be a string",
            "a number for id | {\"v\":1,\"id\":7,\"actuator\":\"valve\",\"action\":\"close\"} | | id must be a string",
            "v 2 | {\"v\":2,\"id\":\"c\",\"actuator\":\"valve\",\"action\":\"close\"} | c | v must be 1",
            "no actuator | {\"v\":1,\"id\":\"c\",\"action\":\"close\"} | c | actuator must name one",
            "an unknown actuator | {\"v\":1,\"id\":\"c\",\"actuator\":\"pump\",\"action\":\"close\"} | c | "
                    + "no actuator 'pump' on this device; it has valve",
            "an unknown action | {\"v\":1,\"id\":\"c\",\"actuator\":\"valve\",\"action\":\"toggle\"} | c | "
                    + "action must be \"open\" or \"close\", not \"toggle\"",
            "open without seconds | {\"v\":1,\"id\":\"c\",\"actuator\":\"valve\",\"action\":\"open\"} | c | "
                    + "open needs seconds",
            "open for 0 seconds | {\"v\":1,\"id\":\"c\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":0} | c | "
                    + "open needs seconds, a number more than 0",
            "seconds as text | {\"v\":1,\"id\":\"c\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":\"60\"} | c | "
                    + "open needs seconds",
            "t as text | {\"v\":1,\"id\":\"c\",\"actuator\":\"valve\",\"action\":\"close\",\"t\":\"now\"} | c | "
                    + "t must be the time the command was sent",
    })
    void aCommandThatCannotBeCarriedOut_isRefusedWithTheReason(String rule, String payload, String id, String reason)
            throws Exception {
        var ack = ProtocolJson.mapper().readTree(handle(payload));

        assertThat(ack.path("outcome").asText()).isEqualTo("refused");
        assertThat(ack.path("id").isMissingNode() ? null : ack.path("id").asText()).isEqualTo(id);
        assertThat(ack.path("reason").asText()).contains(reason);
        assertThat(valve.isOpen()).isFalse();
    }

    @Test
    void aCommandThatWaitedInTheBrokerForMoreThanFiveMinutes_isRefused() {
        long sent = NOW - Duration.ofMinutes(6).toMillis();

        assertThat(handle("{\"v\":1,\"id\":\"c-5\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":60,\"t\":"
                + sent + "}")).contains("\"outcome\":\"refused\"", "the command was sent 360 s ago");
        assertThat(handle("{\"v\":1,\"id\":\"c-6\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":60,\"t\":"
                + (NOW - 1000) + "}")).contains("\"outcome\":\"done\"");
    }

    @Test
    void aRetainedCommand_isRefused_soItNeverRunsAgainOnReconnection() {
        byte[] command = ("{\"v\":1,\"id\":\"c-7\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":60}")
                .getBytes(StandardCharsets.UTF_8);
        String ack = new String(actuators.handle(command, true).toJson(), StandardCharsets.UTF_8);

        assertThat(ack).contains("\"outcome\":\"refused\"", "published retained");
        assertThat(valve.isOpen()).isFalse();
    }

    @Test
    void aCommandDeliveredTwice_isCarriedOutOnce_andAcknowledgedTheSameWay() {
        String open = "{\"v\":1,\"id\":\"c-8\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":60}";
        String first = handle(open);
        handle("{\"v\":1,\"id\":\"c-9\",\"actuator\":\"valve\",\"action\":\"close\"}");

        assertThat(handle(open)).isEqualTo(first);
        assertThat(valve.isOpen()).isFalse();
    }

    @Test
    void whatTheSenderWrote_reachesTheLogAndTheAckEscapedAndCut_soItCannotForgeOrFloodLogLines() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(Actuators.class);
        log.start();
        logger.addAppender(log);
        try {
            String ack = handle("{\"v\":1,\"id\":\"c-1\\n12:00:00.000 INFO valve closes\",\"actuator\":\""
                    + "\\u001b[2J" + "p".repeat(10_000) + "\",\"action\":\"close\"}");

            assertThat(log.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .startsWith("refused command c-1\\u000A12:00:00.000 INFO valve closes: no actuator "
                            + "'\\u001B[2Jppp")
                    .doesNotContain("\n", "\u001b")
                    .hasSizeLessThan(400);
            assertThat(ack).contains("no actuator '\\\\u001B[2Jppp").hasSizeLessThan(300);
        } finally {
            logger.detachAppender(log);
        }
    }

    private String handle(String payload) {
        return new String(actuators.handle(payload.getBytes(StandardCharsets.UTF_8), false).toJson(),
                StandardCharsets.UTF_8);
    }
}
