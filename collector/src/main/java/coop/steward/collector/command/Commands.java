package coop.steward.collector.command;

import coop.steward.collector.ingest.BrokerAddress;
import coop.steward.collector.ingest.BrokerLogin;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.protocol.Channel;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.DeviceTopic;
import coop.steward.protocol.Topics;
import coop.steward.protocol.Untrusted;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends devices the commands people give from the dashboard (the contract's {@code .../cmd}) and waits for their
 * {@code .../cmd/ack}, on a connection of its own: under the identities of {@code bin/steward identities} the
 * collector's account may not send commands, and a command waits for no reading. Every command goes into the
 * {@link CommandLog} when sent and again with its answer. Confined to the context it was started on.
 */
public final class Commands {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);
    /** Longer than an agent needs to answer, shorter than a person waits at a button. */
    static final long ANSWER_TIMEOUT_MS = 15_000;
    /** A device samples every sensor once with a pushed config before it answers (its trial). */
    static final long CONFIG_TIMEOUT_MS = 30_000;
    private static final long RECONNECT_MS = 2_000;
    private static final int MAX_WAITING = 100;
    private static final int MAX_WAITING_PER_DEVICE = 5;
    /** The contract's acks are a few hundred bytes; the device reads at most 4 KiB of a command. */
    private static final int MAX_ACK_BYTES = 16 * 1024;

    private final Vertx vertx;
    private final IngestSettings broker;
    private final String username;
    private final String password;
    private final CommandLog log;
    private final Clock clock;
    private final Map<String, Waiting> waiting = new HashMap<>();
    /** Configs waiting for their device's answer, by hash and device: the answer names the config by its hash. */
    private final Map<String, Waiting> configs = new HashMap<>();
    private Context context;
    private MqttClient client;
    private boolean ready;
    private boolean stopped;

    private record Waiting(CommandRecord command, Promise<CommandRecord> answer, long timer) {
    }

    public Commands(Vertx vertx, IngestSettings broker, String username, String password, CommandLog log,
                    Clock clock) {
        this.vertx = vertx;
        this.broker = broker;
        this.username = username;
        this.password = password;
        this.log = log;
        this.clock = clock;
    }

    public void start() {
        context = vertx.getOrCreateContext();
        if (canSend()) {
            context.runOnContext(v -> connect());
        }
    }

    /**
     * Only with an account of its own, or on a broker without accounts: under {@code bin/steward identities} a
     * client id is its user name, so a second connection as the collector would push its readings connection off
     * the broker, and the collector's account may not send commands anyway.
     */
    private boolean canSend() {
        return broker.commandUsername() != null || broker.username() == null;
    }

    public void stop() {
        if (context == null) {
            return;
        }
        context.runOnContext(v -> {
            stopped = true;
            if (client != null && client.isConnected()) {
                client.disconnect();
            }
        });
    }

    /**
     * Sends the command and completes with the device's answer, or {@code no_answer} after 15 s; fails at once when
     * the broker cannot be reached.
     */
    public Future<CommandRecord> send(String site, String device, String actuator, String action, Integer seconds,
                                      String person) {
        Promise<CommandRecord> answer = Promise.promise();
        context.runOnContext(v -> {
            if (!canSend()) {
                answer.fail(new IllegalStateException("this collector has no broker account to send commands with: "
                        + "start it with --mqtt-command-account (collector-commands.env of bin/steward identities)"));
                return;
            }
            if (!ready) {
                answer.fail(new IllegalStateException("the collector cannot reach the MQTT broker to send commands "
                        + "now; try again in a moment"));
                return;
            }
            long forDevice = waiting.values().stream().filter(w -> w.command().site().equals(site)
                    && w.command().device().equals(device)).count();
            if (forDevice >= MAX_WAITING_PER_DEVICE) {
                answer.fail(new IllegalStateException(forDevice + " commands to " + site + "/" + device
                        + " wait for its answer already; wait for them"));
                return;
            }
            if (waiting.size() >= MAX_WAITING) {
                answer.fail(new IllegalStateException("too many commands wait for an answer; try again shortly"));
                return;
            }
            CommandRecord command = new CommandRecord(UUID.randomUUID().toString(), clock.millis(), site, device,
                    actuator, action, seconds, person, CommandRecord.SENT, null, null, null);
            JsonObject payload = new JsonObject().put("v", 1).put("id", command.id()).put("actuator", actuator)
                    .put("action", action).put("t", command.sentAt());
            if (seconds != null) {
                payload.put("seconds", seconds);
            }
            long timer = vertx.setTimer(ANSWER_TIMEOUT_MS, t -> answered(command.id(), CommandRecord.NO_ANSWER,
                    "no answer from " + site + "/" + device + " within " + ANSWER_TIMEOUT_MS / 1000 + " s: it may be "
                            + "offline, or its answer was lost; what the valve did is not known, so check its state "
                            + "on the chart", null));
            waiting.put(command.id(), new Waiting(command, answer, timer));
            vertx.executeBlocking(() -> {
                log.save(command);
                return null;
            }).compose(saved -> client.publish(Topics.device(site, device, Channel.CMD), payload.toBuffer(),
                    MqttQoS.AT_LEAST_ONCE, false, false)).onFailure(e -> {
                        Waiting failed = waiting.remove(command.id());
                        if (failed != null) {
                            vertx.cancelTimer(failed.timer());
                            failed.answer().tryFail(new IllegalStateException("the command could not be sent ("
                                    + e.getMessage() + ")"));
                        }
                    });
        });
        return answer.future();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        BrokerAddress address = BrokerAddress.parse(broker.brokerUrl());
        // Above what a broker forwards (1 MiB in docs/deployment.md): a larger answer is read and ignored, where
        // Netty's default of 8 KiB would drop the connection and every command waiting on it.
        MqttClientOptions options = BrokerLogin.apply(new MqttClientOptions()
                .setClientId(broker.clientId() + "-commands").setCleanSession(true).setKeepAliveInterval(30)
                .setMaxMessageSize(2 * 1024 * 1024), address.tls(), broker.tls(), username, password);
        MqttClient next = MqttClient.create(vertx, options);
        client = next;
        next.exceptionHandler(e -> LOG.debug("Commands connection: {}", e.toString()));
        next.publishHandler(this::received).closeHandler(v -> {
            ready = false;
            if (!stopped) {
                vertx.setTimer(RECONNECT_MS, t -> connect());
            }
        });
        next.connect(address.port(), address.host()).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("Commands: cannot connect to the MQTT broker at {} ({}); retrying", broker.brokerUrl(),
                        ar.cause().getMessage());
                vertx.setTimer(RECONNECT_MS, t -> connect());
                return;
            }
            next.subscribe(Map.of(Topics.PREFIX + "+/+/" + Channel.CMD_ACK.suffix(), 1,
                    Topics.PREFIX + "+/+/" + Channel.CONFIG_ACK.suffix(), 1)).onSuccess(id -> ready = true);
        });
    }

    /**
     * Sends a device config, retained (a device that is away gets it when it connects), and completes with the
     * device's {@code config/ack} for it, or {@code no_answer} after 30 s; recorded as a command of action
     * {@code config}.
     */
    public Future<CommandRecord> sendConfig(String site, String device, byte[] config, String person) {
        Promise<CommandRecord> answer = Promise.promise();
        context.runOnContext(v -> {
            if (!canSend() || !ready) {
                answer.fail(new IllegalStateException("the collector cannot reach the MQTT broker with an account "
                        + "that may send configs now (--mqtt-command-account)"));
                return;
            }
            if (configs.size() >= MAX_WAITING) {
                answer.fail(new IllegalStateException("too many configs wait for an answer; try again shortly"));
                return;
            }
            String hash = ConfigAck.hashOf(config);
            CommandRecord command = new CommandRecord("config-" + hash.substring(0, 16) + "-" + clock.millis(),
                    clock.millis(), site, device, "config", "config", null, person, CommandRecord.SENT, null, null,
                    null);
            long timer = vertx.setTimer(CONFIG_TIMEOUT_MS, t -> configAnswered(hash, site, device,
                    CommandRecord.NO_ANSWER, "no answer from " + site + "/" + device + " within "
                            + CONFIG_TIMEOUT_MS / 1000 + " s: the config stays retained on the broker, and the "
                            + "device applies it when it connects"));
            configs.put(hash + "@" + site + "/" + device, new Waiting(command, answer, timer));
            vertx.executeBlocking(() -> {
                log.save(command);
                return null;
            }).compose(saved -> client.publish(Topics.device(site, device, Channel.CONFIG), Buffer.buffer(config),
                    MqttQoS.AT_LEAST_ONCE, false, true)).onFailure(e -> configAnswered(hash, site, device,
                    "failed", "the config could not be sent (" + e.getMessage() + ")"));
        });
        return answer.future();
    }

    private void configAnswered(String hash, String site, String device, String outcome, String reason) {
        finish(configs.remove(hash + "@" + site + "/" + device), outcome, reason, null);
    }

    private void received(MqttPublishMessage message) {
        DeviceTopic topic = Topics.parse(message.topicName()).orElse(null);
        if (topic != null && topic.channel() == Channel.CONFIG_ACK && message.payload().length() <= MAX_ACK_BYTES) {
            try {
                ConfigAck ack = ConfigAck.decode(message.payload().getBytes());
                configAnswered(ack.hash(), topic.site(), topic.device(), ack.outcome(), ack.errors().isEmpty() ? null
                        : Untrusted.cut(String.join("; ", ack.errors()), 300));
            } catch (IllegalArgumentException e) {
                // Not an answer the contract knows.
            }
            return;
        }
        if (topic == null || topic.channel() != Channel.CMD_ACK || message.payload().length() > MAX_ACK_BYTES) {
            return;
        }
        try {
            JsonObject ack = new JsonObject(message.payload());
            String id = ack.getString("id");
            Waiting pending = id == null ? null : waiting.get(id);
            // Only the device the command went to may answer it, and only as the contract says.
            if (pending == null || !pending.command().site().equals(topic.site())
                    || !pending.command().device().equals(topic.device())) {
                return;
            }
            String outcome = ack.getString("outcome");
            Integer state = ack.getInteger("state");
            if (!"done".equals(outcome) && !"refused".equals(outcome) || state != null && state != 0 && state != 1) {
                return;
            }
            String reason = ack.getString("reason");
            answered(id, outcome, reason == null ? null : Untrusted.cut(reason, 300), state);
        } catch (DecodeException | ClassCastException e) {
            // Not an answer to one of ours; devices answer everyone's commands on this topic.
        }
    }

    private void answered(String id, String outcome, String reason, Integer state) {
        finish(waiting.remove(id), outcome == null ? "refused" : outcome, reason, state);
    }

    /** Records the answer (or its absence) and gives it to whoever waits; nothing when no one does any more. */
    private void finish(Waiting pending, String outcome, String reason, Integer state) {
        if (pending == null) {
            return;
        }
        vertx.cancelTimer(pending.timer());
        CommandRecord done = pending.command().answered(outcome, reason, state, clock.millis());
        vertx.executeBlocking(() -> {
            log.save(done);
            return null;
        }).onComplete(ar -> pending.answer().tryComplete(done));
    }
}
