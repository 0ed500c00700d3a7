package coop.steward.agent.sensor;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;

/** A Raspberry Pi made of Pi4J's mock providers, with an explicit context, for GPIO drivers in tests. */
public final class MockPi implements AutoCloseable {
    public static final Board.Providers PROVIDERS = new Board.Providers(MockDigitalInputProvider.ID,
            MockDigitalOutputProvider.ID, MockI2CProvider.ID, MockSpiProvider.ID);

    private final Context context = Pi4J.newContextBuilder()
            .add(new MockPlatform())
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
            .build();
    private final Board board = new Board(() -> context, PROVIDERS);

    public Board board() {
        return board;
    }

    public MockDigitalInput input(int gpio) {
        return context.io("gpio-" + gpio, MockDigitalInput.class);
    }

    public MockDigitalOutput output(int gpio) {
        return context.io("gpio-" + gpio, MockDigitalOutput.class);
    }

    public boolean has(int gpio) {
        return context.registry().exists("gpio-" + gpio);
    }

    @Override
    public void close() {
        board.close();
        if (!context.isShutdown()) {
            context.shutdown();
        }
    }
}
