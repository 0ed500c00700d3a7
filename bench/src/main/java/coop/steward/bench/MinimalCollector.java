package coop.steward.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.ReadingStore;
import coop.steward.protocol.Reading;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The shortest collector that keeps the promise Steward's keeps, acknowledging a message only once its readings are
 * stored: what receiving, decoding and storing cost together on this machine, with nothing else (no alerts, no
 * checks of what it is sent, no metrics, no ack messages to agents). It is the "short script" in Java: the
 * collector's own MQTT client ({@link IntakeClients.VertxSubscriber}, QoS 1, with a clean session so that the broker
 * keeps no queue for it once it is gone) and one writer thread that takes up to 100 messages (5,000 readings, as the
 * bare writers take), decodes them with Jackson's tree model, writes them and then acknowledges them. Where the bare
 * runs' ceiling assumes both kinds of work overlap perfectly on every core, this shows how much of it a pipeline
 * this simple reaches.
 */
final class MinimalCollector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES_A_WRITE = 100;

    /** Where the minimal collector puts a batch of decoded messages. */
    interface Store {
        void write(List<DeviceReadings> messages) throws Exception;
    }

    private MinimalCollector() {
    }

    static Timed rate(String brokerUrl, Load load, Store store) throws Exception {
        IntakeClients.VertxSubscriber subscriber = new IntakeClients.VertxSubscriber(false);
        try (subscriber; IntakeClients.Intake intake = IntakeClients.Intake.open(subscriber, brokerUrl,
                MESSAGES_A_WRITE, batch -> store.write(decode(batch)))) {
            return intake.time(load);
        }
    }

    /** Into Steward's embedded store, as its bare writer writes. */
    static Store into(ReadingStore store) {
        return messages -> store.write(messages, List.of());
    }

    /** Into InfluxDB as line protocol of Steward's schema, one request a batch, as its bare writer posts. */
    static Store intoInflux(String url, String database) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        InfluxBareWriter.createDatabase(http, url, database);
        URI write = URI.create(url + "/write?db=" + database + "&rp=raw&precision=ms");
        return messages -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(write)
                    .POST(HttpRequest.BodyPublishers.ofString(InfluxBareWriter.lines(messages))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("InfluxDB refused a write: " + response.statusCode() + " "
                        + response.body());
            }
        };
    }

    /** The site is the load's: a script would take it from the topic, which costs next to nothing. */
    private static List<DeviceReadings> decode(List<IntakeClients.Delivered> batch) throws Exception {
        List<DeviceReadings> messages = new ArrayList<>(batch.size());
        for (IntakeClients.Delivered d : batch) {
            JsonNode message = JSON.readTree(d.payload());
            List<Reading> readings = new ArrayList<>();
            for (JsonNode r : message.path("readings")) {
                readings.add(new Reading(r.get("sensor").asText(), r.get("kind").asText(),
                        r.get("t").asLong(), r.get("value").asDouble(), r.path("unit").asText(null)));
            }
            if (!readings.isEmpty()) {
                messages.add(new DeviceReadings(Load.SITE, message.path("device").asText(), readings, 0));
            }
        }
        return messages;
    }
}
