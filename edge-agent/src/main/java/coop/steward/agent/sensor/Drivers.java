package coop.steward.agent.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.PullResistance;
import coop.steward.config.Wiring;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chip and pin drivers a device has open on its {@link Board}, by what they are wired to. Sensors that share
 * a chip share its driver (one INA219 gives voltage, current and power), and a pushed config that keeps a part's
 * wiring keeps its driver: a flow meter goes on counting. Drivers no config names any more are closed first, so
 * their pins and buses can be used again.
 */
public final class Drivers implements AutoCloseable {
    /** The MCP3008 is specified up to 1.35 MHz at 2.7 V; 1 MHz leaves a margin at 3.3 V. */
    static final int MCP3008_HERTZ = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(Drivers.class);

    private record Open(Object driver, String ioId, AutoCloseable onClose) {
    }

    private final Board board;
    private final Path storageDir;
    private final Pause pause;
    private final LongSupplier nanos;
    private final Map<String, Open> open = new HashMap<>();

    public Drivers(Board board, Path storageDir) {
        this(board, storageDir, Pause.REAL, System::nanoTime);
    }

    Drivers(Board board, Path storageDir, Pause pause, LongSupplier nanos) {
        this.board = board;
        this.storageDir = storageDir;
        this.pause = pause;
        this.nanos = nanos;
    }

    LongSupplier nanos() {
        return nanos;
    }

    /** What a driver for this wiring is known by; null when it needs none (simulated, 1-Wire, a meter's reference). */
    static String key(Wiring wiring, String meterId) {
        if (wiring instanceof Wiring.Ads1115 w) {
            return "i2c/" + w.bus() + "/" + w.address() + "/ads1115";
        }
        if (wiring instanceof Wiring.Mcp3008 w) {
            return "spi/" + w.bus() + "/" + w.chipSelect() + "/mcp3008";
        }
        if (wiring instanceof Wiring.PowerMonitor w) {
            return "i2c/" + w.bus() + "/" + w.address() + "/" + w.chip() + "/" + w.shuntOhms() + "/" + w.maxCurrentA();
        }
        if (wiring instanceof Wiring.FlowMeter w) {
            return "gpio/" + w.gpio() + "/flow-meter/" + meterId + "/" + w.pulsesPerLitre();
        }
        if (wiring instanceof Wiring.GpioInput w) {
            return "gpio/" + w.gpio() + "/input/" + w.pull();
        }
        return null;
    }

    /** Closes every open driver whose key is not in {@code keys}. */
    synchronized void keepOnly(Set<String> keys) {
        for (Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Open> entry = it.next();
            if (!keys.contains(entry.getKey())) {
                close(entry.getValue());
                it.remove();
            }
        }
    }

    synchronized Ads1115 ads1115(Wiring.Ads1115 w) {
        String name = String.format("ADS1115 at 0x%02X on I2C bus %d", w.address(), w.bus());
        return get(key(w, null), i2cId(w.bus(), w.address()),
                () -> new Ads1115(board.i2c(w.bus(), w.address()), pause, name), null);
    }

    synchronized Mcp3008 mcp3008(Wiring.Mcp3008 w) {
        return get(key(w, null), "spi-" + w.bus() + "-" + w.chipSelect(),
                () -> new Mcp3008(board.spi(w.bus(), w.chipSelect(), MCP3008_HERTZ),
                        "MCP3008 on SPI" + w.bus() + " CE" + w.chipSelect()), null);
    }

    synchronized PowerMonitor powerMonitor(Wiring.PowerMonitor w) {
        String name = String.format("%s at 0x%02X on I2C bus %d", w.chip(), w.address(), w.bus());
        return get(key(w, null), i2cId(w.bus(), w.address()), () -> {
            I2cRegisters registers = board.i2c(w.bus(), w.address());
            return w.chip() == Wiring.PowerChip.INA219
                    ? new Ina219(registers, pause, name, w.shuntOhms(), w.maxCurrentA())
                    : new Ina226(registers, pause, name, w.shuntOhms(), w.maxCurrentA());
        }, null);
    }

    synchronized FlowMeter flowMeter(String meterId, Wiring.FlowMeter w) {
        String key = key(w, meterId);
        Open existing = open.get(key);
        if (existing != null) {
            return (FlowMeter) existing.driver();
        }
        MeterTotal saved = MeterTotal.open(storageDir, meterId);
        DigitalInput input = board.input(w.gpio(), PullResistance.OFF, FlowMeter.DEBOUNCE_MICROS);
        FlowMeter meter = new FlowMeter("flow meter " + meterId + " on GPIO " + w.gpio(), input,
                w.pulsesPerLitre(), saved, nanos);
        open.put(key, new Open(meter, "gpio-" + w.gpio(), meter));
        return meter;
    }

    synchronized DigitalInput gpioInput(Wiring.GpioInput w) {
        PullResistance pull = switch (w.pull()) {
            case UP -> PullResistance.PULL_UP;
            case DOWN -> PullResistance.PULL_DOWN;
            case OFF -> PullResistance.OFF;
        };
        return get(key(w, null), "gpio-" + w.gpio(),
                () -> board.input(w.gpio(), pull, DigitalInput.DEFAULT_DEBOUNCE), null);
    }

    /** Saves the flow meters' totals and gives every pin and bus back. */
    @Override
    public synchronized void close() {
        open.values().forEach(this::close);
        open.clear();
    }

    @SuppressWarnings("unchecked")
    private <T> T get(String key, String ioId, Supplier<T> create, AutoCloseable onClose) {
        Open existing = open.get(key);
        if (existing != null) {
            return (T) existing.driver();
        }
        T driver = create.get();
        open.put(key, new Open(driver, ioId, onClose));
        return driver;
    }

    private void close(Open driver) {
        try {
            if (driver.onClose() != null) {
                driver.onClose().close();
            }
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", driver.ioId(), e.getMessage());
        }
        board.release(driver.ioId());
    }

    private static String i2cId(int bus, int address) {
        return String.format("i2c-%d-%02x", bus, address);
    }
}
