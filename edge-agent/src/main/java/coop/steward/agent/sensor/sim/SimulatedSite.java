package coop.steward.agent.sensor.sim;

import java.util.Objects;
import java.util.Set;

/**
 * A made-up food-forest bed with its irrigation valve and a small solar installation with its battery, for running
 * the agent without hardware. Every reading is a pure function of (seed, latitude, peak power, kind, sensor, time): the
 * same arguments always give the same value, in any order of calls, so demos and tests are repeatable.
 *
 * <p>The sun, the clouds and the weather are closed-form in time. The bed, the battery and the two meters depend on
 * history and are simulated in one-minute steps, cached, so reading a few sensors every second costs little after the
 * first read; see {@link Ledger} for how history is kept finite.
 */
public final class SimulatedSite {
    private static final Set<String> KINDS = Set.of("soil_moisture", "soil_temperature", "air_temperature",
            "humidity", "flow_rate", "water_total", "valve_state", "solar_power", "solar_voltage", "solar_current",
            "energy_total", "irradiance", "battery_voltage", "battery_soc");
    private static final String USER_KIND_PREFIX = "x_";

    private final long seed;
    private final double peakPowerW;
    private final World world;
    private final Ledger ledger;
    private final Leak leak;

    public SimulatedSite(long seed, double latitudeDeg, double peakPowerW) {
        this(seed, latitudeDeg, peakPowerW, null, null);
    }

    /**
     * A site with a mishap or two: {@code shade} over its panels, {@code leak} on its bed's supply line (either null
     * for none). Both are pure functions of time too, so a history computed today and the live readings of
     * tomorrow agree.
     */
    public SimulatedSite(long seed, double latitudeDeg, double peakPowerW, Shade shade, Leak leak) {
        if (!(latitudeDeg >= -90 && latitudeDeg <= 90)) {
            throw new IllegalArgumentException("latitudeDeg must be within -90..90, was " + latitudeDeg);
        }
        if (!(peakPowerW > 0) || Double.isInfinite(peakPowerW)) {
            throw new IllegalArgumentException("peakPowerW must be a positive number of watts, was " + peakPowerW);
        }
        this.seed = seed;
        this.peakPowerW = peakPowerW;
        this.world = World.of(seed, latitudeDeg, peakPowerW, shade);
        this.ledger = new Ledger(seed, world);
        this.leak = leak;
    }

    /** True for the contract's standard kinds and for user kinds ({@code x_...}), which read a slow wave. */
    public static boolean supports(String kind) {
        return kind != null && (KINDS.contains(kind) || kind.startsWith(USER_KIND_PREFIX));
    }

    /**
     * The value a simulated sensor of that kind reads at epoch millis {@code t}, in the kind's unit. The sensor id
     * gives each sensor its own small calibration error, so two soil sensors in one bed differ a little.
     */
    public double read(String kind, String sensorId, long t) {
        Objects.requireNonNull(sensorId, "sensorId");
        if (!supports(kind)) {
            throw new IllegalArgumentException("no simulation for kind '" + kind + "' of sensor " + sensorId);
        }
        return switch (kind) {
            case "soil_moisture" -> Noise.clamp(
                    cycle(t).moisture(t) * (1 + trim("gain", kind, sensorId, 0.03)) + trim("offset", kind, sensorId, 1),
                    0, 100);
            case "soil_temperature" -> world.weather().soilTemperature(t) + trim("offset", kind, sensorId, 0.3);
            case "air_temperature" -> world.weather().airTemperature(t) + trim("offset", kind, sensorId, 0.2);
            case "humidity" -> Noise.clamp(world.weather().humidity(t) + trim("offset", kind, sensorId, 2), 0, 100);
            case "valve_state" -> cycle(t).minutesOpen(t) < 0 ? 0 : 1;
            case "flow_rate" -> world.valve().flowLpm(cycle(t).minutesOpen(t)) + (leak == null ? 0 : leak.flowLpm(t));
            case "water_total" -> waterTotalL(sensorId, t);
            case "irradiance" -> world.irradiance(t) * (1 + trim("gain", kind, sensorId, 0.02));
            case "solar_power" -> world.solarPower(t);
            case "solar_voltage" -> world.array().voltage(world.panelIrradiance(t), world.weather().airTemperature(t));
            case "solar_current" -> world.array().current(world.panelIrradiance(t), world.weather().airTemperature(t));
            case "energy_total" -> energyTotalWh(sensorId, t);
            case "battery_soc" -> cycle(t).soc(t);
            case "battery_voltage" -> world.battery().voltage(cycle(t).soc(t), world.solarPower(t))
                    + trim("offset", kind, sensorId, 0.02);
            default -> userWave(kind, sensorId, t);
        };
    }

    private Cycle cycle(long t) {
        return ledger.cycle(Cycle.indexAt(t));
    }

    /** Each meter was installed with its own reading, some years of watering ago. */
    private double waterTotalL(String sensorId, long t) {
        long index = Cycle.indexAt(t);
        Cycle cycle = ledger.cycle(index);
        double perWatering = world.valve().litresPerWatering();
        long done = ledger.wateringsBefore(index) + cycle.wateringsDone(t);
        double minutesOpen = cycle.minutesOpen(t);
        double running = minutesOpen < 0 ? 0 : Math.min(world.valve().litres(minutesOpen), perWatering);
        // Whole waterings first: the sum is exact, so the meter never steps back when one watering ends. A leak's
        // litres only grow, and stay the same once it is mended, so adding them keeps the meter from stepping back.
        double leaked = leak == null ? 0 : leak.litresBefore(t);
        return meterStart("water_total", sensorId, 20_000, 80_000) + ((done * perWatering + running) + leaked);
    }

    private double energyTotalWh(String sensorId, long t) {
        long index = Cycle.indexAt(t);
        double sinceEpochWh = ledger.energyBeforeWh(index) + ledger.cycle(index).energyWh(t);
        // A few years of yield at about 1000 Wh per watt-peak a year.
        return meterStart("energy_total", sensorId, 2000 * peakPowerW, 5000 * peakPowerW) + sinceEpochWh;
    }

    private double meterStart(String kind, String sensorId, double low, double high) {
        return low + (high - low) * Noise.unit(Noise.key(seed, kind + "/start/" + sensorId), 0);
    }

    /** A sensor's own fixed error, uniform within ±halfWidth. */
    private double trim(String what, String kind, String sensorId, double halfWidth) {
        return Noise.centred(Noise.key(seed, kind + "/" + what + "/" + sensorId), halfWidth);
    }

    /** User kinds have no physics; a wave over hours with a ripple over minutes looks like a slow process. */
    private double userWave(String kind, String sensorId, long t) {
        long key = Noise.key(seed, kind + "/" + sensorId);
        double hours = SimTime.hours(t);
        return 50 + 10 * Math.sin(2 * Math.PI * (hours / 6 + Noise.unit(key, 0)))
                + 3 * Math.sin(2 * Math.PI * (hours * 60 / 47 + Noise.unit(key, 1)));
    }
}
