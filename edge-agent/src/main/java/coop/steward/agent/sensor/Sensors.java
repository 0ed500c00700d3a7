package coop.steward.agent.sensor;

import coop.steward.agent.sensor.sim.SimulatedSite;
import coop.steward.config.DeviceConfig;
import coop.steward.config.SensorConfig;
import java.util.ArrayList;
import java.util.List;

/** Builds a device's sensors from its configuration. */
public final class Sensors {
    private Sensors() {
    }

    public static List<Sensor> from(DeviceConfig config) {
        SimulatedSite site = new SimulatedSite(config.simulation().seed(), config.simulation().latitude(),
                config.simulation().peakPowerW());
        List<Sensor> sensors = new ArrayList<>();
        for (SensorConfig sensor : config.sensors()) {
            sensors.add(new Sensor(sensor, source(site, sensor)));
        }
        return sensors;
    }

    private static SensorSource source(SimulatedSite site, SensorConfig sensor) {
        String type = sensor.source().type();
        if ("simulated".equals(type)) {
            return new SimulatedSource(site, sensor.kind(), sensor.id());
        }
        // The validator refuses other types; reaching this is a bug, not bad input.
        throw new IllegalStateException("no driver for source type '" + type + "' of sensor " + sensor.id());
    }
}
