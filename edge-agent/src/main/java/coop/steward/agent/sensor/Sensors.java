package coop.steward.agent.sensor;

import coop.steward.agent.sensor.sim.Leak;
import coop.steward.agent.sensor.sim.Shade;
import coop.steward.agent.sensor.sim.SimulatedSite;
import coop.steward.config.DeviceConfig;
import coop.steward.config.SensorConfig;
import coop.steward.config.SimulationSettings;
import coop.steward.config.Wiring;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a device's sensors from its configuration, on the drivers of its board. */
public final class Sensors {
    private Sensors() {
    }

    /**
     * The sensors of a config that needs no GPIO, I2C or SPI (simulated and 1-Wire sources); one that does is
     * refused here, since its drivers must live on the device's {@link Board}: use {@link #from(DeviceConfig,
     * Drivers)}.
     */
    public static List<Sensor> from(DeviceConfig config) {
        Board none = new Board(() -> {
            throw new IllegalStateException("sensors on GPIO, I2C or SPI need the device's board; this agent was "
                    + "started without one");
        }, Board.RASPBERRY_PI_OS);
        return from(config, new Drivers(none, config.storageDir()));
    }

    /**
     * The configured sensors, with drivers from {@code drivers}: those this config still uses are kept, the others
     * closed. Throws when a part cannot be opened (a pin taken, a bus not enabled); the drivers kept stay usable.
     */
    public static List<Sensor> from(DeviceConfig config, Drivers drivers) {
        Map<String, Wiring.FlowMeter> meters = new HashMap<>();
        for (SensorConfig sensor : config.sensors()) {
            if (sensor.source().wiring() instanceof Wiring.FlowMeter meter) {
                meters.put(sensor.id(), meter);
            }
        }
        Set<String> keys = new HashSet<>();
        for (SensorConfig sensor : config.sensors()) {
            String meterId = meterOf(sensor);
            Wiring wiring = meterId == null ? sensor.source().wiring() : meters.get(meterId);
            String key = Drivers.key(wiring, meterId);
            if (key != null) {
                keys.add(key);
            }
        }
        drivers.keepOnly(keys);
        SimulatedSite site = simulatedSite(config.simulation());
        List<Sensor> sensors = new ArrayList<>();
        for (SensorConfig sensor : config.sensors()) {
            sensors.add(new Sensor(sensor, source(sensor, site, drivers, meters), drivers.nanos()));
        }
        return sensors;
    }

    /** The made-up world of a config's {@code simulated} sensors, with its mishaps. */
    private static SimulatedSite simulatedSite(SimulationSettings settings) {
        SimulationSettings.Shade shade = settings.shade();
        SimulationSettings.Leak leak = settings.leak();
        return new SimulatedSite(settings.seed(), settings.latitude(), settings.peakPowerW(),
                shade == null ? null : new Shade(shade.since().toEpochMilli(), shade.fromHour(), shade.toHour(),
                        shade.light()),
                leak == null ? null : new Leak(leak.from().toEpochMilli(), leak.to().toEpochMilli(),
                        leak.litresPerMinute()));
    }

    private static SensorSource source(SensorConfig sensor, SimulatedSite site, Drivers drivers,
                                       Map<String, Wiring.FlowMeter> meters) {
        Wiring wiring = sensor.source().wiring();
        if (wiring instanceof Wiring.Ads1115 w) {
            return new Ads1115Source(drivers.ads1115(w), w, String.format("ADS1115 at 0x%02X", w.address()));
        }
        if (wiring instanceof Wiring.Mcp3008 w) {
            return new Mcp3008Source(drivers.mcp3008(w), w.channel());
        }
        if (wiring instanceof Wiring.PowerMonitor w) {
            return new PowerMonitorSource(drivers.powerMonitor(w), w.quantity());
        }
        if (wiring instanceof Wiring.Ds18b20 w) {
            return new Ds18b20Source(w.path());
        }
        if (wiring instanceof Wiring.GpioInput w) {
            return new GpioInputSource(drivers.gpioInput(w), w.activeHigh());
        }
        if (wiring instanceof Wiring.FlowMeter w) {
            return meterSource(sensor, drivers.flowMeter(sensor.id(), w));
        }
        if (wiring instanceof Wiring.FlowMeterRef w) {
            return meterSource(sensor, drivers.flowMeter(w.meter(), meters.get(w.meter())));
        }
        return new SimulatedSource(site, sensor.kind(), sensor.id());
    }

    private static SensorSource meterSource(SensorConfig sensor, FlowMeter meter) {
        return "water_total".equals(sensor.kind()) ? meter.total() : meter.rate();
    }

    /** The id of the sensor whose flow meter this one reads, or null when it reads none. */
    private static String meterOf(SensorConfig sensor) {
        if (sensor.source().wiring() instanceof Wiring.FlowMeterRef reference) {
            return reference.meter();
        }
        return sensor.source().wiring() instanceof Wiring.FlowMeter ? sensor.id() : null;
    }
}
