package coop.steward.agent.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalState;
import coop.steward.agent.sensor.MockPi;
import coop.steward.config.ActuatorConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A relay on Pi4J's mock GPIO, with the agent's own timers. */
class ValveTest {
    private final MockPi pi = new MockPi();
    private Actuators actuators;

    @AfterEach
    void stop() {
        if (actuators != null) {
            actuators.close();
        }
        pi.close();
    }

    @Test
    void aValveStartsClosed_atTheLevelThatSwitchesItsRelayOff() {
        open(valve(27, true, 60), valve(23, false, 60));

        assertThat(pi.output(27).state()).isEqualTo(DigitalState.LOW);
        assertThat(pi.output(23).state()).isEqualTo(DigitalState.HIGH);
        assertThat(actuators.valves()).noneMatch(Valve::isOpen);
    }

    @Test
    void opening_switchesTheRelayOn_andItsTimeClosesItAgain() {
        Valve valve = open(valve(27, true, 60)).get(0);

        valve.open(Duration.ofMillis(300));

        assertThat(pi.output(27).state()).isEqualTo(DigitalState.HIGH);
        await().atMost(Duration.ofSeconds(5)).until(() -> !valve.isOpen());
        assertThat(pi.output(27).state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void anActiveLowRelay_isSwitchedOnWithThePinLow() {
        Valve valve = open(valve(23, false, 60)).get(0);

        valve.open(Duration.ofSeconds(30));
        assertThat(pi.output(23).state()).isEqualTo(DigitalState.LOW);
        valve.close("test");
        assertThat(pi.output(23).state()).isEqualTo(DigitalState.HIGH);
    }

    @Test
    void openingAgainAndAgain_cannotKeepItOpenPastMaxOpenSeconds() throws InterruptedException {
        Valve valve = open(valve(27, true, 1)).get(0);
        long openedAt = System.nanoTime();
        valve.open(Duration.ofMillis(800));

        Thread.sleep(400); // half of its 800 ms open
        valve.open(Duration.ofMillis(800)); // would end 1.2 s after opening

        await().atMost(Duration.ofSeconds(5)).until(() -> !valve.isOpen());
        assertThat(Duration.ofNanos(System.nanoTime() - openedAt)).isBetween(Duration.ofMillis(950),
                Duration.ofMillis(1150));
        assertThat(pi.output(27).state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void aDurationBeyondMaxOpenSeconds_isRefused_andTheValveStaysAsItWas() {
        Valve valve = open(valve(27, true, 60)).get(0);

        assertThatThrownBy(() -> valve.open(Duration.ofSeconds(61)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most maxOpenSeconds (60 s), not 61 s");
        assertThat(valve.isOpen()).isFalse();
    }

    @Test
    void closeAll_closesEveryValveAtOnce() {
        List<Valve> valves = open(valve(27, true, 600), valve(23, false, 600));
        valves.forEach(v -> v.open(Duration.ofSeconds(300)));

        actuators.closeAll("lost the broker");

        assertThat(valves).noneMatch(Valve::isOpen);
        assertThat(pi.output(27).state()).isEqualTo(DigitalState.LOW);
        assertThat(pi.output(23).state()).isEqualTo(DigitalState.HIGH);
    }

    @Test
    void closingTheActuators_closesTheValves() {
        Valve valve = open(valve(27, true, 600)).get(0);
        valve.open(Duration.ofSeconds(300));

        actuators.close();

        assertThat(valve.isOpen()).isFalse();
        assertThat(pi.output(27).state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void listeners_hearEveryOpeningAndClosing_butNotARepeat() {
        Valve valve = open(valve(27, true, 600)).get(0);
        AtomicInteger changes = new AtomicInteger();
        actuators.onChange(v -> changes.incrementAndGet());

        valve.open(Duration.ofSeconds(10));
        valve.open(Duration.ofSeconds(10));
        valve.close("test");
        valve.close("test");

        assertThat(changes).hasValue(2);
    }

    private List<Valve> open(ActuatorConfig... configs) {
        actuators = Actuators.open(List.of(configs), pi.board(), Clock.systemUTC(), "bed-1");
        return actuators.valves();
    }

    static ActuatorConfig valve(int gpio, boolean activeHigh, long maxOpenSeconds) {
        return new ActuatorConfig("valve-" + gpio, "valve_state", gpio, activeHigh, Duration.ofSeconds(maxOpenSeconds),
                Duration.ofSeconds(60), ActuatorConfig.DEFAULT_MIN_CLOSED, ActuatorConfig.DEFAULT_MAX_OPEN_PER_DAY);
    }
}
