package coop.steward.agent.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hall-effect flow meter (YF-S201 class: about 450 pulses a litre, 7.5 Hz per L/min) counted on a GPIO input,
 * one pulse per rising edge. It feeds two kinds of sensor: {@link #rate()} in L/min over the time since that
 * sensor's previous sample, and {@link #total()}, the litres counted over all runs, saved in the storage folder
 * whenever a sensor reads it and when the agent stops.
 */
final class FlowMeter implements AutoCloseable {
    /** Hall sensors switch cleanly; this only rejects glitches far shorter than a pulse at 30 L/min (4.4 ms). */
    static final long DEBOUNCE_MICROS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(FlowMeter.class);

    private final String name;
    private final DigitalInput input;
    private final double pulsesPerLitre;
    private final MeterTotal saved;
    private final LongSupplier nanos;
    private final AtomicLong pulses = new AtomicLong();
    private final DigitalStateChangeListener listener;
    private final long openedAt;
    private long pulsesSaved;

    FlowMeter(String name, DigitalInput input, double pulsesPerLitre, MeterTotal saved, LongSupplier nanos) {
        this.name = name;
        this.input = input;
        this.pulsesPerLitre = pulsesPerLitre;
        this.saved = saved;
        this.nanos = nanos;
        this.openedAt = nanos.getAsLong();
        this.listener = event -> {
            if (event.state() == DigitalState.HIGH) {
                pulses.incrementAndGet();
            }
        };
        input.addListener(listener);
    }

    long pulses() {
        return pulses.get();
    }

    /** Litres over all runs: the saved total plus what was counted since the agent started. */
    double litres() {
        return saved.litres() + pulses.get() / pulsesPerLitre;
    }

    /** A source of L/min, averaged over the time since its own previous read (each sensor has its own). */
    SensorSource rate() {
        return new SensorSource() {
            private long lastPulses;
            private long lastNanos = openedAt;

            @Override
            public synchronized double read(long t) {
                long now = nanos.getAsLong();
                long count = pulses.get();
                double minutes = (now - lastNanos) / 60e9;
                double litres = (count - lastPulses) / pulsesPerLitre;
                lastPulses = count;
                lastNanos = now;
                if (minutes <= 0) {
                    throw new SensorFault(name + ": no time has passed since the previous sample");
                }
                persist();
                return litres / minutes;
            }
        };
    }

    /** A source of the litres over all runs. */
    SensorSource total() {
        return t -> {
            persist();
            return litres();
        };
    }

    /** Saves the total when it changed; a disk that refuses it is logged, and the count goes on in memory. */
    synchronized void persist() {
        long count = pulses.get();
        if (count == pulsesSaved) {
            return;
        }
        try {
            saved.save(saved.litres() + count / pulsesPerLitre);
            pulsesSaved = count;
        } catch (IOException e) {
            LOG.error("{}: cannot save the meter's total in {} ({}); it is kept in memory until the next try", name,
                    saved.file(), e.getMessage());
        }
    }

    @Override
    public void close() {
        input.removeListener(listener);
        persist();
    }
}
