package coop.steward.agent.actuator;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import coop.steward.config.ActuatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A valve (or pump) behind a relay on a GPIO output, kept safe by the agent itself: every open has a duration, and
 * a guard timer set when the valve opens closes it {@code maxOpenSeconds} later whatever else happens, so that
 * opening it again cannot keep it open longer. Its {@link DutyCycle} then refuses to open it before it has rested,
 * or beyond its open time a day. The timers run on the agent's actuator thread, not on anything that depends on
 * the broker or the collector. A close that fails at the pin is tried again every second.
 */
public final class Valve {
    private static final Logger LOG = LoggerFactory.getLogger(Valve.class);
    private static final long CLOSE_RETRY_MS = 1_000;

    private final ActuatorConfig config;
    private final DigitalOutput output;
    private final ActuatorClock clock;
    private final DutyCycle dutyCycle;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private boolean open;
    private long openedAt;
    private Future<?> closeAtEnd;
    private Future<?> guard;

    Valve(ActuatorConfig config, DigitalOutput output, ActuatorClock clock) {
        this.config = config;
        this.output = output;
        this.clock = clock;
        this.dutyCycle = new DutyCycle(config.id(), config.minClosed(), config.maxOpenPerDay());
    }

    /** The level that switches the relay on, or off. */
    static DigitalState level(boolean on, boolean activeHigh) {
        return on == activeHigh ? DigitalState.HIGH : DigitalState.LOW;
    }

    public String id() {
        return config.id();
    }

    public ActuatorConfig config() {
        return config;
    }

    public synchronized boolean isOpen() {
        return open;
    }

    /** Called (on the thread that changed it) whenever the valve opens or closes. */
    void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /**
     * Opens the valve (or keeps it open) for {@code duration}; it closes when that ends, and in any case
     * {@code maxOpen} after it opened. Throws {@link IllegalArgumentException} for a duration beyond
     * {@code maxOpen}, {@link DutyCycle.Refused} (the valve stays as it was) when it has not rested long enough or
     * would pass its open time a day, and Pi4J's exception when the pin cannot be set (the valve is then closed
     * again).
     */
    public synchronized void open(Duration duration) {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(config.maxOpen()) > 0) {
            throw new IllegalArgumentException("the duration must be more than 0 and at most maxOpenSeconds ("
                    + seconds(config.maxOpen()) + " s), not " + seconds(duration) + " s");
        }
        long now = clock.nanos();
        boolean wasOpen = open;
        // Open already, it can stay open only until its guard closes it.
        long more = wasOpen ? Math.min(duration.toNanos(), openedAt + config.maxOpen().toNanos() - now)
                : duration.toNanos();
        dutyCycle.check(now, more, wasOpen ? openedAt : null);
        try {
            output.state(level(true, config.activeHigh()));
        } catch (RuntimeException e) {
            close("setting its pin failed");
            throw e;
        }
        open = true;
        if (closeAtEnd != null) {
            closeAtEnd.cancel(false);
        }
        closeAtEnd = clock.schedule(() -> close("its time is up"), duration.toNanos());
        if (!wasOpen) {
            openedAt = now;
            guard = clock.schedule(() -> close("it was open for maxOpenSeconds (" + seconds(config.maxOpen())
                    + " s)"), config.maxOpen().toNanos());
            LOG.info("valve {} opens for {} s", config.id(), seconds(duration));
            changed();
        }
    }

    /** Closes the valve (nothing happens when it is closed); {@code why} goes to the log. */
    public synchronized void close(String why) {
        cancelTimers();
        try {
            output.state(level(false, config.activeHigh()));
        } catch (RuntimeException e) {
            LOG.error("valve {}: cannot close it ({}): trying again in {} ms", config.id(), e.getMessage(),
                    CLOSE_RETRY_MS);
            guard = clock.schedule(() -> close(why), TimeUnit.MILLISECONDS.toNanos(CLOSE_RETRY_MS));
            return;
        }
        if (open) {
            open = false;
            dutyCycle.closed(openedAt, clock.nanos());
            LOG.info("valve {} closes: {}", config.id(), why);
            changed();
        }
    }

    private void cancelTimers() {
        if (closeAtEnd != null) {
            closeAtEnd.cancel(false);
            closeAtEnd = null;
        }
        if (guard != null) {
            guard.cancel(false);
            guard = null;
        }
    }

    private void changed() {
        changeListeners.forEach(Runnable::run);
    }

    static String seconds(Duration duration) {
        double seconds = duration.toNanos() / 1e9;
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
