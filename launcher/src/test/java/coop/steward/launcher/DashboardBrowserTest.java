package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The dashboard in a real headless Chromium, at a phone's width, against the real collector. */
class DashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private ChromeDriver browser;
    private MqttClient device;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "dashboard-collector", null, null, 1_000, 20_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store")))
                .await(30, TimeUnit.SECONDS);
        device = new MqttClient(broker.url(), "bed-3", new MemoryPersistence());
        device.connect();
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 390, 844);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        device.disconnect();
        if (collector != null) {
            collector.stop().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    private void send(String topic, String json, boolean retained) throws Exception {
        device.publish(topic, json.getBytes(StandardCharsets.UTF_8), 1, retained);
    }

    private WebElement sensor(String deviceId, String sensorId) {
        return browser.findElement(By.cssSelector("article[data-device='" + deviceId + "'] [data-sensor='" + sensorId
                + "']"));
    }

    @Test
    void gardenerSeesEachSensorsLatestValue_marksStaleOnes_andIsToldWhenTheCollectorIsGone() throws Exception {
        long now = System.currentTimeMillis();
        send("steward/v1/food-forest/bed-3/status", "{\"v\": 1, \"state\": \"online\", \"t\": " + now + "}", true);
        send("steward/v1/food-forest/bed-3/readings", """
                {"v": 1, "device": "bed-3", "seq": 1, "readings": [
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": %d, "value": 31.4},
                  {"sensor": "valve", "kind": "valve_state", "t": %d, "value": 1},
                  {"sensor": "soil-old", "kind": "soil_moisture", "t": %d, "value": 12.5}
                ]}""".formatted(now, now, now - 20 * 60_000L), false);

        browser.get("http://127.0.0.1:" + collector.httpPort() + "/");

        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(sensor("bed-3", "soil-a").findElement(By.className("value")).getText()).contains("31.4"));
        assertThat(browser.getTitle()).isEqualTo("Today · Steward");
        WebElement article = browser.findElement(By.cssSelector("article[data-device='bed-3']"));
        assertThat(article.getAttribute("data-state")).isEqualTo("online");
        assertThat(article.getText()).contains("Online").doesNotContain("undefined", "NaN", "null");
        assertThat(sensor("bed-3", "valve").getText()).contains("open");
        assertThat(sensor("bed-3", "soil-a").getAttribute("data-stale")).isEqualTo("false");
        assertThat(sensor("bed-3", "soil-old").getAttribute("data-stale")).isEqualTo("true");
        assertThat(sensor("bed-3", "soil-old").getText()).containsIgnoringCase("stale");
        assertThat(browser.findElement(By.id("connection-banner")).isDisplayed()).isFalse();

        // A new reading shows up by itself, without a reload.
        send("steward/v1/food-forest/bed-3/readings", """
                {"v": 1, "device": "bed-3", "seq": 2, "readings": [
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": %d, "value": 28.9}]}"""
                .formatted(System.currentTimeMillis()), false);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(sensor("bed-3", "soil-a").findElement(By.className("value")).getText()).contains("28.9"));

        collector.stop().await(10, TimeUnit.SECONDS);
        collector = null;

        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            WebElement banner = browser.findElement(By.id("connection-banner"));
            assertThat(banner.isDisplayed()).isTrue();
            assertThat(banner.getText()).contains("Cannot reach the Steward collector");
        });
        assertThat(sensor("bed-3", "soil-a").getText()).as("last data kept on screen").contains("28.9");
    }
}
