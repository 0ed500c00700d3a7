package coop.steward.agent.sensor;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiMode;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import com.pi4j.plugin.raspberrypi.platform.RaspberryPiPlatform;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pi's GPIO pins and I2C and SPI buses, through one Pi4J context that is built only when a driver first asks
 * for a pin or a bus: an agent with only simulated (or 1-Wire) sensors never starts Pi4J. On Raspberry Pi OS
 * Bookworm, GPIO goes through the kernel's GPIO character device (libgpiod, Pi4J's gpiod provider; the old sysfs
 * GPIO interface is gone there), I2C and SPI through {@code /dev/i2c-N} and {@code /dev/spidevB.C} (linuxfs).
 */
public final class Board implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Board.class);

    /** The Pi4J provider ids a board creates its pins and buses with. */
    public record Providers(String digitalInput, String digitalOutput, String i2c, String spi) {
    }

    public static final Providers RASPBERRY_PI_OS = new Providers(GpioDDigitalInputProvider.ID,
            GpioDDigitalOutputProvider.ID, LinuxFsI2CProvider.ID, LinuxFsSpiProvider.ID);

    private final Supplier<Context> contextFactory;
    private final Providers providers;
    private Context context;
    private boolean closed;

    /** @param contextFactory builds the context on first use; tests give one with Pi4J's mock providers */
    public Board(Supplier<Context> contextFactory, Providers providers) {
        this.contextFactory = contextFactory;
        this.providers = providers;
    }

    /** A Raspberry Pi running Raspberry Pi OS Bookworm (or later): gpiod for GPIO, linuxfs for I2C and SPI. */
    public static Board raspberryPi() {
        return new Board(Board::raspberryPiContext, RASPBERRY_PI_OS);
    }

    private static Context raspberryPiContext() {
        // Providers chosen here rather than found on the class path, so what runs is what this comment says.
        return Pi4J.newContextBuilder()
                .add(new RaspberryPiPlatform() {
                    @Override
                    protected String[] getProviders() {
                        return new String[0];
                    }
                })
                .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance(),
                        LinuxFsI2CProvider.newInstance(), LinuxFsSpiProvider.newInstance())
                .build();
    }

    /** Whether Pi4J was started: false for as long as no driver needed a pin or a bus. */
    public synchronized boolean started() {
        return context != null;
    }

    synchronized DigitalInput input(int gpio, PullResistance pull, long debounceMicros) {
        return context().create(DigitalInput.newConfigBuilder(context())
                .id(gpioId(gpio)).name("GPIO " + gpio).address(gpio).pull(pull).debounce(debounceMicros)
                .provider(providers.digitalInput()));
    }

    /** An output that is {@code initial} from the start and goes back to {@code atShutdown} when Pi4J stops. */
    public synchronized DigitalOutput output(int gpio, DigitalState initial, DigitalState atShutdown) {
        return context().create(DigitalOutput.newConfigBuilder(context())
                .id(gpioId(gpio)).name("GPIO " + gpio).address(gpio).initial(initial).shutdown(atShutdown)
                .provider(providers.digitalOutput()));
    }

    synchronized I2cRegisters i2c(int bus, int address) {
        String name = String.format("I2C bus %d address 0x%02X", bus, address);
        I2C i2c = context().create(I2C.newConfigBuilder(context())
                .id(String.format("i2c-%d-%02x", bus, address)).name(name).bus(bus).device(address)
                .provider(providers.i2c()));
        return new Pi4jI2cRegisters(i2c, name);
    }

    /** SPI mode 0 at {@code hertz}. */
    synchronized SpiTransfer spi(int bus, int chipSelect, int hertz) {
        String name = "SPI" + bus + " CE" + chipSelect;
        Spi spi = context().create(Spi.newConfigBuilder(context())
                .id("spi-" + bus + "-" + chipSelect).name(name).bus(bus).channel(chipSelect).baud(hertz)
                .mode(SpiMode.MODE_0).provider(providers.spi()));
        return new Pi4jSpiTransfer(spi, name);
    }

    /** Gives a pin back, so another driver can take it (after a pushed config rewires the device). */
    synchronized void releaseGpio(int gpio) {
        release(gpioId(gpio));
    }

    synchronized void release(String id) {
        if (context != null && !closed && context.registry().exists(id)) {
            context.shutdown(id);
        }
    }

    /** Stops Pi4J if it was started: outputs go to their shutdown state, inputs and buses are released. */
    @Override
    public synchronized void close() {
        closed = true;
        if (context != null && !context.isShutdown()) {
            try {
                context.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("stopping Pi4J failed: {}", e.getMessage());
            }
        }
    }

    private Context context() {
        if (closed) {
            throw new IllegalStateException("the board is closed");
        }
        if (context == null) {
            LOG.info("starting Pi4J for the device's GPIO, I2C and SPI");
            context = contextFactory.get();
        }
        return context;
    }

    private static String gpioId(int gpio) {
        return "gpio-" + gpio;
    }
}
