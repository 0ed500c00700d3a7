package coop.steward.bench;

import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.Topics;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publish -> alert event on the collector's SSE stream, under a steady background of normal readings. Each probe
 * is a soil-moisture reading no soil can hold, on its own device, which the shipped {@code impossible-value}
 * rule raises at once. The baseline beside it: the same probe's trip through the broker to a bare subscriber.
 * Each probe device sends a normal reading first, before the load settles: an alert is raised on a sensor the
 * collector knows, as soil dries or a line leaks; a device's very first reading also creates its series.
 */
final class AlertLatency {
    record Result(Percentiles alert, Percentiles broker) {
    }

    private AlertLatency() {
    }

    static Result measure(CollectorProcess collector, String brokerUrl, int backgroundReadingsPerSecond, int probes)
            throws Exception {
        Map<String, Long> alertAt = new ConcurrentHashMap<>();
        Map<String, Long> brokerAt = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread stream = new Thread(() -> readAlerts(collector.httpPort(), alertAt, running), "bench-sse");
        stream.setDaemon(true);
        stream.start();
        MqttClient subscriber = new MqttClient(brokerUrl, "bench-latency-sub-" + System.nanoTime(),
                new MemoryPersistence());
        subscriber.connect();
        subscriber.subscribe("steward/v1/bench/+/readings", 1, (topic, message) -> {
            String device = topic.split("/")[3];
            if (device.startsWith("probe-")) {
                brokerAt.put(device, System.nanoTime());
            }
        });
        MqttClient prober = new MqttClient(brokerUrl, "bench-prober-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions proberOptions = new MqttConnectOptions();
        proberOptions.setMaxInflight(1_000);
        prober.connect(proberOptions);
        for (int i = 0; i < probes; i++) {
            String device = "probe-" + i;
            prober.publish(Topics.readings(Load.SITE, device), ProtocolJson.encode(ReadingsMessage.of(device, 0,
                    List.of(new Reading("soil", "soil_moisture", System.currentTimeMillis() - 60_000, 40.0, "%")))),
                    1, false);
        }
        long stored = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (collector.stored() < probes) {
            if (System.nanoTime() > stored) {
                throw new IllegalStateException("the probe devices' first readings were not stored within 120 s");
            }
            Thread.sleep(100);
        }
        Thread background = new Thread(() -> background(brokerUrl, backgroundReadingsPerSecond, running),
                "bench-background");
        background.start();
        Thread.sleep(3_000); // the background load settles
        brokerAt.clear();
        long[] alert = new long[probes];
        long[] broker = new long[probes];
        for (int i = 0; i < probes; i++) {
            String device = "probe-" + i;
            byte[] payload = ProtocolJson.encode(ReadingsMessage.of(device, 1, List.of(
                    new Reading("soil", "soil_moisture", System.currentTimeMillis(), 95.0, "%"))));
            long start = System.nanoTime();
            prober.publish(Topics.readings(Load.SITE, device), payload, 1, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!alertAt.containsKey(device) || !brokerAt.containsKey(device)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no alert event for " + device + " within 10 s");
                }
                Thread.sleep(1);
            }
            alert[i] = alertAt.get(device) - start;
            broker[i] = brokerAt.get(device) - start;
            Thread.sleep(50);
        }
        running.set(false);
        background.join(10_000);
        prober.disconnect();
        subscriber.disconnect();
        return new Result(Percentiles.of(alert), Percentiles.of(broker));
    }

    /**
     * Reads the stream on a socket of its own and times each alert event on the thread that reads it, as the
     * broker's baseline is timed on its subscriber's reading thread. The JDK's HttpClient hands a response body from
     * its selector thread to the reader's: a hop of the harness's own, which added 0.2 ms at the median and several
     * at the tail. The collector writes each event as one chunk, so the chunks' size lines, skipped here, never split
     * an event's lines.
     */
    private static void readAlerts(int port, Map<String, Long> alertAt, AtomicBoolean running) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader lines = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String status = lines.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("the collector answered the stream's request with " + status);
            }
            String event = null;
            String line;
            while (running.get() && (line = lines.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && "alert".equals(event)) {
                    long now = System.nanoTime();
                    String device = new JsonObject(line.substring(6)).getString("device");
                    if (device != null) {
                        alertAt.putIfAbsent(device, now);
                    }
                }
            }
        } catch (Exception e) {
            if (running.get()) {
                throw new IllegalStateException("the SSE stream broke: " + e.getMessage(), e);
            }
        }
    }

    /** Normal readings from 20 devices, 50 a message, at a steady rate: nothing in them raises an alert. */
    private static void background(String brokerUrl, int readingsPerSecond, AtomicBoolean running) {
        try {
            MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-background-" + System.nanoTime(),
                    new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(1_000);
            client.connect(options).waitForCompletion(10_000);
            int messagesPerTick = Math.max(1, readingsPerSecond / 50 / 100); // 100 ticks a second
            long tick = TimeUnit.MILLISECONDS.toNanos(10);
            long next = System.nanoTime();
            long seq = 0;
            while (running.get()) {
                for (int m = 0; m < messagesPerTick; m++, seq++) {
                    String device = "bg-" + (seq % 20);
                    List<Reading> readings = new java.util.ArrayList<>(50);
                    long t = System.currentTimeMillis();
                    for (int i = 0; i < 50; i++) {
                        readings.add(new Reading("s" + i, "soil_moisture", t, 30.0 + (seq % 7), "%"));
                    }
                    client.publish(Topics.readings(Load.SITE, device),
                            ProtocolJson.encode(ReadingsMessage.of(device, seq, readings)), 1, false);
                }
                next += tick;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            client.disconnect().waitForCompletion(5_000);
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("background load failed: " + e.getMessage(), e);
        }
    }
}
