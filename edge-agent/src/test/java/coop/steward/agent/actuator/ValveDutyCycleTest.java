package coop.steward.agent.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pi4j.io.gpio.digital.DigitalState;
import coop.steward.agent.sensor.MockPi;
import coop.steward.config.ActuatorConfig;
import coop.steward.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Someone who can publish commands re-sends {@code open} after every close: the valve's duty cycle holds anyway.
 * The valve's clock is turned by hand, so a day of commands takes no time; the relay is Pi4J's mock GPIO.
 */
class ValveDutyCycleTest {
    private static final int PIN = 27;
    private final MockPi pi = new MockPi();
    private final HandTurnedClock clock = new HandTurnedClock();
    private Actuators actuators;
    private int commands;

    @AfterEach
    void stop() {
        actuators.close();
        pi.close();
    }

    @Test
    void afterTheGuardClosesIt_anOpenIsRefusedUntilTheValveHasRestedMinClosedSeconds() throws IOException {
        start(Duration.ofSeconds(60), Duration.ofHours(4));
        assertThat(open(1000).path("outcome").asText()).isEqualTo("done");
        clock.advance(Duration.ofSeconds(900));
        assertThat(open(1000).path("outcome").asText()).as("told to stay open to 1900 s").isEqualTo("done");

        clock.advance(Duration.ofSeconds(899));
        assertThat(pi.output(PIN).state()).isEqualTo(DigitalState.HIGH);
        clock.advance(Duration.ofSeconds(1));
        assertThat(pi.output(PIN).state()).as("closed by its guard at maxOpenSeconds").isEqualTo(DigitalState.LOW);

        JsonNode again = open(1800);
        assertThat(again.path("outcome").asText()).isEqualTo("refused");
        assertThat(again.path("reason").asText()).isEqualTo("valve rests 60 s after each opening (minClosedSeconds); "
                + "it closed 0 s ago: open it again in 60 s");
        assertThat(again.path("state").asInt()).isZero();
        assertThat(pi.output(PIN).state()).isEqualTo(DigitalState.LOW);

        clock.advance(Duration.ofSeconds(59));
        assertThat(open(1800).path("reason").asText()).endsWith("it closed 59 s ago: open it again in 1 s");

        clock.advance(Duration.ofSeconds(1));
        assertThat(open(1800).path("outcome").asText()).isEqualTo("done");
        assertThat(pi.output(PIN).state()).isEqualTo(DigitalState.HIGH);
    }

    @Test
    void aCloseCommand_startsTheRestToo() throws IOException {
        start(Duration.ofSeconds(60), Duration.ofHours(4));
        open(600);
        clock.advance(Duration.ofSeconds(10));
        close();

        assertThat(open(600).path("outcome").asText()).isEqualTo("refused");
    }

    @Test
    void openingsOneAfterAnother_stopAtTheDailyOpenTime_andItComesBackAsTheOpeningsGrow24HoursOld()
            throws IOException {
        start(Duration.ofSeconds(60), Duration.ofHours(4));
        for (int i = 0; i < 8; i++) { // 8 x 30 min = 4 h
            assertThat(open(1800).path("outcome").asText()).as("opening %d", i + 1).isEqualTo("done");
            clock.advance(Duration.ofSeconds(1800 + 60));
        }

        JsonNode ninth = open(1800);
        assertThat(ninth.path("outcome").asText()).isEqualTo("refused");
        assertThat(ninth.path("reason").asText()).isEqualTo("valve was open 14400 s in the last 24 hours, and may be "
                + "open 14400 s in any 24 hours (maxOpenSecondsPerDay): the oldest opening counted leaves the count "
                + "in 73320 s");
        assertThat(pi.output(PIN).state()).isEqualTo(DigitalState.LOW);

        clock.advance(Duration.ofSeconds(73_319));
        assertThat(open(1800).path("outcome").asText()).isEqualTo("refused");
        clock.advance(Duration.ofSeconds(1));
        assertThat(open(1800).path("outcome").asText()).as("the first opening ended 24 h ago").isEqualTo("done");
    }

    @Test
    void anOpenThatWouldPassTheDailyOpenTime_isRefused_sayingHowLongItMayStillOpen() throws IOException {
        start(Duration.ZERO, Duration.ofSeconds(2000));
        open(1800);
        clock.advance(Duration.ofSeconds(1800));

        JsonNode refused = open(600);
        assertThat(refused.path("reason").asText()).isEqualTo("valve was open 1800 s in the last 24 hours, and may be "
                + "open 2000 s in any 24 hours (maxOpenSecondsPerDay): ask for at most 200 s");

        assertThat(open(200).path("outcome").asText()).isEqualTo("done");
    }

    @Test
    void sayingOpenAgainWhileOpen_countsTheExtraTimeAgainstTheDay() throws IOException {
        start(Duration.ZERO, Duration.ofSeconds(2000));
        open(1800);
        clock.advance(Duration.ofSeconds(1700));
        close();
        open(100);
        clock.advance(Duration.ofSeconds(50));

        // Open for 1750 s of 2000 so far: another 300 s would pass the day's.
        assertThat(open(300).path("reason").asText()).endsWith("ask for at most 250 s");
        assertThat(open(250).path("outcome").asText()).isEqualTo("done");
        clock.advance(Duration.ofSeconds(250));
        assertThat(pi.output(PIN).state()).isEqualTo(DigitalState.LOW);
        assertThat(open(1).path("outcome").asText()).isEqualTo("refused");
    }

    @Test
    void aValveClosedWhenTheBrokerWentAway_restsLikeAnyOther() throws IOException {
        start(Duration.ofSeconds(60), Duration.ofHours(4));
        open(600);

        actuators.closeAll("the agent lost the broker");

        assertThat(open(600).path("reason").asText()).contains("rests 60 s after each opening");
    }

    @Test
    void minClosedSecondsZero_letsItOpenAgainAtOnce() throws IOException {
        start(Duration.ZERO, Duration.ofHours(4));
        open(600);
        clock.advance(Duration.ofSeconds(600));

        assertThat(open(600).path("outcome").asText()).isEqualTo("done");
    }

    @Test
    void thousandsOfShortOpenings_areAllCounted_inTheMemoryOfAFewHundred() throws IOException {
        start(Duration.ZERO, Duration.ofSeconds(3000));
        for (int i = 0; i < 2000; i++) {
            assertThat(open(1).path("outcome").asText()).isEqualTo("done");
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(open(1001).path("reason").asText()).contains("was open 2000 s in the last 24 hours")
                .endsWith("ask for at most 1000 s");
    }

    private void start(Duration minClosed, Duration maxOpenPerDay) {
        actuators = Actuators.open(List.of(new ActuatorConfig("valve", "valve_state", PIN, true,
                Duration.ofSeconds(1800), Duration.ofSeconds(60), minClosed, maxOpenPerDay)), pi.board(),
                Clock.systemUTC(), "bed-1", clock);
    }

    private JsonNode open(double seconds) throws IOException {
        return handle("{\"v\":1,\"id\":\"c-" + ++commands + "\",\"actuator\":\"valve\",\"action\":\"open\","
                + "\"seconds\":" + seconds + "}");
    }

    private void close() throws IOException {
        assertThat(handle("{\"v\":1,\"id\":\"c-" + ++commands + "\",\"actuator\":\"valve\",\"action\":\"close\"}")
                .path("outcome").asText()).isEqualTo("done");
    }

    private JsonNode handle(String command) throws IOException {
        return ProtocolJson.mapper().readTree(actuators.handle(command.getBytes(StandardCharsets.UTF_8), false)
                .toJson());
    }
}
