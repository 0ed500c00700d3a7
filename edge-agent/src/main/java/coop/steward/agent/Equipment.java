package coop.steward.agent;

import coop.steward.agent.actuator.Actuators;
import coop.steward.agent.actuator.Valve;
import coop.steward.agent.sensor.Board;
import coop.steward.agent.sensor.Drivers;
import coop.steward.agent.sensor.Sensor;
import coop.steward.agent.sensor.Sensors;
import coop.steward.config.ActuatorConfig;
import coop.steward.config.DeviceConfig;
import coop.steward.protocol.Kind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a device measures and drives: its sensors, on drivers that a pushed config reuses where it keeps their
 * wiring; its valves, each reported as a {@code valve_state} sensor on every change and at its interval; and the
 * {@link Board} under both, on which Pi4J starts only when a part needs a pin or a bus.
 */
public final class Equipment implements AutoCloseable {
    private final Board board;
    private final Drivers drivers;
    private final Actuators actuators;
    private final List<Sensor> measuring;
    private final Map<String, Sensor> valveStates = new HashMap<>();

    private Equipment(Board board, Drivers drivers, Actuators actuators, List<Sensor> measuring) {
        this.board = board;
        this.drivers = drivers;
        this.actuators = actuators;
        this.measuring = List.copyOf(measuring);
        for (Valve valve : actuators.valves()) {
            ActuatorConfig config = valve.config();
            valveStates.put(valve.id(), Sensor.plain(config.id(), config.kind(), Kind.lookup(config.kind())
                    .orElseThrow().unit(), config.interval(), t -> valve.isOpen() ? 1 : 0));
        }
    }

    /**
     * The config's sensors and actuators on {@code board}; the equipment owns the board from then on. Throws
     * {@link IllegalArgumentException} saying what to check when a pin or bus cannot be opened.
     */
    public static Equipment open(DeviceConfig config, Board board, Clock clock) {
        Drivers drivers = new Drivers(board, config.storageDir());
        try {
            return withSensors(Sensors.from(config, drivers), drivers, config, board, clock);
        } catch (RuntimeException e) {
            drivers.close();
            board.close();
            throw new IllegalArgumentException("cannot start the device's sensors and actuators: " + e.getMessage()
                    + "; check the wiring, that I2C, SPI and 1-Wire are on, and that the agent's user is in the "
                    + "gpio, i2c and spi groups (docs/hardware.md)", e);
        }
    }

    /** These sensors, built elsewhere, with the config's actuators on {@code board}. */
    static Equipment withSensors(List<Sensor> sensors, DeviceConfig config, Board board, Clock clock) {
        return withSensors(sensors, new Drivers(board, config.storageDir()), config, board, clock);
    }

    private static Equipment withSensors(List<Sensor> sensors, Drivers drivers, DeviceConfig config, Board board,
                                         Clock clock) {
        Actuators actuators = Actuators.open(config.actuators(), board, clock, config.device());
        return new Equipment(board, drivers, actuators, sensors);
    }

    /** Every sensor to sample: those configured, then one per actuator for its state. */
    public List<Sensor> sensors() {
        List<Sensor> all = new ArrayList<>(measuring);
        actuators.valves().forEach(valve -> all.add(valveStates.get(valve.id())));
        return all;
    }

    /**
     * The sensors of a pushed config, on the drivers it keeps; throws when it changes the actuators, which are
     * changed only in the file on the device (a restart closes every valve; a push could land while one is open).
     */
    List<Sensor> sensorsFor(DeviceConfig next) {
        if (!next.actuators().equals(actuators.configs())) {
            throw new IllegalArgumentException("a pushed config cannot change the actuators: change them in the "
                    + "config file on the device and restart the agent");
        }
        List<Sensor> all = new ArrayList<>(Sensors.from(next, drivers));
        actuators.valves().forEach(valve -> all.add(valveStates.get(valve.id())));
        return all;
    }

    /** {@code listener} gets a valve's state sensor, on the actuators' thread, whenever the valve opens or closes. */
    void onStateChange(Consumer<Sensor> listener) {
        actuators.onChange(valve -> listener.accept(valveStates.get(valve.id())));
    }

    public Actuators actuators() {
        return actuators;
    }

    /** Whether Pi4J was started, which only a GPIO, I2C or SPI part does. */
    public boolean usesBoard() {
        return board.started();
    }

    /** Closes the valves, saves the flow meters' totals, and stops Pi4J. */
    @Override
    public void close() {
        actuators.close();
        drivers.close();
        board.close();
    }
}
