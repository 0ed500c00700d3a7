package coop.steward.agent.actuator;

import com.pi4j.io.gpio.digital.DigitalOutput;
import coop.steward.agent.sensor.Board;
import coop.steward.config.ActuatorConfig;
import coop.steward.protocol.Untrusted;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's valves and the commands for them. Commands are carried out and acknowledged on the actuators' own
 * thread, which also runs the valves' timers, so neither waits for sampling or for the broker. Every command gets
 * an ack on {@code cmd/ack}; a command id seen again (MQTT QoS 1 may deliver twice) gets the same ack without being
 * carried out twice.
 */
public final class Actuators implements AutoCloseable {
    /** A command older than this when it arrives (it waited in the broker while the device was away) is refused. */
    static final Duration STALE_AFTER = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(Actuators.class);
    private static final int REMEMBERED_COMMANDS = 64;
    private static final long ACK_RETRY_MS = 250;
    private static final int ACK_TRIES = 40;
    /** Of what a sender wrote, what goes into a log line (ids, which Command allows up to 128 characters) ... */
    private static final int MAX_LOGGED_ID = 64;
    private static final int MAX_LOGGED = 300;
    /** ... and what is quoted back in an ack's reason. */
    static final int MAX_ECHOED = 64;

    private final Map<String, Valve> valves = new LinkedHashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<String, CommandAck> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CommandAck> eldest) {
            return size() > REMEMBERED_COMMANDS;
        }
    };

    private Actuators(Clock clock, String device) {
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steward-actuators-" + device);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Valves on {@code board}'s outputs, all closed; Pi4J is started only when there is at least one.
     *
     * @param clock the wall clock, against which a command's {@code t} is checked
     */
    public static Actuators open(List<ActuatorConfig> configs, Board board, Clock clock, String device) {
        return open(configs, board, clock, device, null);
    }

    /** As {@link #open(List, Board, Clock, String)}, with the valves' timers on {@code time} (null: the real ones). */
    static Actuators open(List<ActuatorConfig> configs, Board board, Clock clock, String device,
                          ActuatorClock time) {
        Actuators actuators = new Actuators(clock, device);
        ActuatorClock valveTime = time == null ? ActuatorClock.on(actuators.thread) : time;
        try {
            for (ActuatorConfig config : configs) {
                DigitalOutput output = board.output(config.gpio(), Valve.level(false, config.activeHigh()),
                        Valve.level(false, config.activeHigh()));
                actuators.valves.put(config.id(), new Valve(config, output, valveTime));
            }
        } catch (RuntimeException e) {
            actuators.close();
            throw e;
        }
        return actuators;
    }

    public List<Valve> valves() {
        return new ArrayList<>(valves.values());
    }

    public List<ActuatorConfig> configs() {
        return valves.values().stream().map(Valve::config).toList();
    }

    /** Called on the actuators' thread whenever a valve opens or closes. */
    public void onChange(Consumer<Valve> listener) {
        valves.values().forEach(valve -> valve.onChange(() -> listener.accept(valve)));
    }

    /**
     * Carries out a command from {@code .../cmd} on the actuators' thread and hands its ack to {@code send}, again
     * every {@value #ACK_RETRY_MS} ms for a while when it returns false (the broker's window is full).
     */
    public void command(byte[] payload, boolean retained, Predicate<byte[]> send) {
        answer(() -> handle(payload, retained), send);
    }

    /** Answers a command that was not read (it was too large) with {@code reason}, as {@link #command} would. */
    public void refuse(String reason, Predicate<byte[]> send) {
        answer(() -> CommandAck.refused(null, reason, null), send);
    }

    private void answer(Supplier<CommandAck> ack, Predicate<byte[]> send) {
        try {
            thread.execute(() -> sendAck(ack.get().toJson(), send, 1));
        } catch (RejectedExecutionException e) {
            LOG.warn("a command arrived while the agent stops; it is not carried out");
        }
    }

    /** Carries out one command and says how it went; on the calling thread (for tests). */
    synchronized CommandAck handle(byte[] payload, boolean retained) {
        Command command;
        try {
            command = Command.parse(payload);
        } catch (Command.Invalid e) {
            LOG.warn("refused a command{}: {}", e.id() == null ? "" : " " + Untrusted.cut(e.id(), MAX_LOGGED_ID),
                    Untrusted.cut(e.getMessage(), MAX_LOGGED));
            return CommandAck.refused(e.id(), e.getMessage(), null);
        }
        if (retained) {
            // A retained command would run again on every reconnection, long after it was meant.
            return CommandAck.refused(command.id(), "the command was published retained; publish commands without "
                    + "the retain flag (and clear it: mosquitto_pub -r -n -t <topic>)", null);
        }
        CommandAck earlier = recent.get(command.id());
        if (earlier != null) {
            return earlier; // delivered again: already carried out
        }
        CommandAck ack = carryOut(command);
        recent.put(command.id(), ack);
        if (ack.outcome().equals(CommandAck.REFUSED)) {
            LOG.warn("refused command {}: {}", Untrusted.cut(command.id(), MAX_LOGGED_ID),
                    Untrusted.cut(ack.reason(), MAX_LOGGED));
        }
        return ack;
    }

    private CommandAck carryOut(Command command) {
        Valve valve = valves.get(command.actuator());
        if (valve == null) {
            String known = valves.isEmpty() ? "it has none" : "it has " + String.join(", ", valves.keySet());
            return CommandAck.refused(command.id(), "no actuator '" + Untrusted.cut(command.actuator(), MAX_ECHOED)
                    + "' on this device; " + known, null);
        }
        if (command.t() != null && clock.millis() - command.t() > STALE_AFTER.toMillis()) {
            return CommandAck.refused(command.id(), "the command was sent " + (clock.millis() - command.t()) / 1000
                    + " s ago, more than " + STALE_AFTER.toSeconds() + " s: it waited while the device was away, and "
                    + "is not carried out late", valve.isOpen());
        }
        if (command.action().equals(Command.CLOSE)) {
            valve.close("command " + Untrusted.cut(command.id(), MAX_LOGGED_ID));
            return CommandAck.done(command.id(), valve.isOpen());
        }
        Duration maxOpen = valve.config().maxOpen();
        if (command.seconds() > maxOpen.toNanos() / 1e9) {
            return CommandAck.refused(command.id(), "seconds " + format(command.seconds()) + " is more than "
                    + valve.id() + "'s maxOpenSeconds (" + Valve.seconds(maxOpen) + ")", valve.isOpen());
        }
        try {
            valve.open(Duration.ofNanos(Math.round(command.seconds() * 1e9)));
        } catch (DutyCycle.Refused e) {
            return CommandAck.refused(command.id(), e.getMessage(), valve.isOpen());
        } catch (RuntimeException e) {
            return CommandAck.refused(command.id(), "the valve could not be opened: " + e.getMessage(),
                    valve.isOpen());
        }
        return CommandAck.done(command.id(), valve.isOpen());
    }

    /** Closes every valve now, on the calling thread: the broker is gone or the agent stops. */
    public void closeAll(String why) {
        valves.values().forEach(valve -> valve.close(why));
    }

    /** Closes every valve and stops the actuators' thread. */
    @Override
    public void close() {
        closeAll("the agent stops");
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendAck(byte[] ack, Predicate<byte[]> send, int attempt) {
        if (send.test(ack)) {
            return;
        }
        if (attempt >= ACK_TRIES) {
            LOG.warn("could not send a cmd/ack after {} tries: {}", attempt,
                    Untrusted.cut(new String(ack, StandardCharsets.UTF_8), MAX_LOGGED));
            return;
        }
        try {
            thread.schedule(() -> sendAck(ack, send, attempt + 1), ACK_RETRY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("stopping: the cmd/ack is not sent again");
        }
    }

    private static String format(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
