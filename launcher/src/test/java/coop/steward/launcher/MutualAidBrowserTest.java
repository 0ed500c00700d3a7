package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The valley offers help to its hub's other sites; in a real headless Chromium, on a phone-sized window, its steward
 * sees the hill's request at the top of the Alerts page, takes it, and sees the hill confirm it without reloading.
 * The hill's side is played on the hub's real Mosquitto as the protocol gives it (MutualAidTest runs both sites).
 */
class MutualAidBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String REQUEST = "steward/v1/hill/alerts/a7/aid";

    @TempDir
    Path tmp;
    private MosquittoBroker hubBroker;
    private MosquittoBroker valleyBroker;
    private RunningCollector valley;
    private ChromeDriver browser;
    private MqttClient hill;
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("valley"));
        people.add("ann", "ann's long password", List.of(new Grant("valley", Role.STEWARD)));
        hubBroker = MosquittoBroker.start(tmp.resolve("hub-mosquitto"));
        valleyBroker = MosquittoBroker.start(tmp.resolve("valley-mosquitto"));
        valley = RunningCollector.start(new CollectorSettings(new IngestSettings(valleyBroker.url(), "valley", null,
                null, 1_000, 20_000), "127.0.0.1", 0, tmp.resolve("valley"))
                .with(CollectorConfig.parse("sites:\n  - {id: valley, zone: Europe/Lisbon}\nhelp: {offer: true}\n",
                        "valley.yaml"))
                .withAccounts(true)
                .withFederation(new IngestSettings(hubBroker.url(), "valley-forward", null, null, 1_000, 20_000),
                        false));
        hill = new MqttClient(hubBroker.url(), "hill-forward-aid", new MemoryPersistence());
        hill.connect();
        hill.subscribe(REQUEST + "/+", 1, (topic, message) -> answers.put(topic,
                new String(message.getPayload(), StandardCharsets.UTF_8)));
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 390, 844);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (hill != null && hill.isConnected()) {
            hill.disconnect();
        }
        if (valley != null) {
            valley.close();
        }
        valleyBroker.close();
        hubBroker.close();
    }

    @Test
    void aStewardTakesANeighboursRequest_onAPhone_andSeesTheNeighbourConfirmIt() throws Exception {
        long since = System.currentTimeMillis() - 45 * 60_000;
        String request = "{\"v\":1,\"site\":\"hill\",\"alert\":\"a7\",\"rule\":\"bed-dry\",\"severity\":\"critical\","
                + "\"message\":\"Soil moisture at hill/bed-3/moisture has been below 20 %: it reads 12.5 %.\","
                + "\"device\":\"bed-3\",\"sensor\":\"moisture\",\"place\":\"Hill Street allotments; the tap is by "
                + "the north gate\",\"since\":" + since + ",\"openedAt\":" + since + ",\"askedAt\":"
                + (since + 30 * 60_000);
        hill.publish(REQUEST, (request + "}").getBytes(StandardCharsets.UTF_8), 1, true);

        browser.get("http://127.0.0.1:" + valley.httpPort() + "/#/alerts");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        BrowserPages.signIn(browser, "ann", "ann's long password");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("[data-aid='hill/a7']")).isEmpty());
        WebElement card = browser.findElement(By.cssSelector("[data-aid='hill/a7']"));
        assertThat(card.getText()).contains("hill asks for help: bed-dry").contains("hill / bed-3 / moisture")
                .contains("it reads 12.5 %").contains("How to find it: Hill Street allotments; the tap is by the "
                        + "north gate").contains("Critical");
        assertThat(browser.findElement(By.cssSelector(".aid-requests .aid-title")).getText())
                .isEqualTo("Neighbours asking for help");
        assertThat(card.getRect().getX() + card.getRect().getWidth()).as("the card fits the phone's width")
                .isLessThanOrEqualTo(browser.manage().window().getSize().getWidth());
        BrowserPages.screenshot(browser, "aid-offered-phone.png");

        card.findElement(By.cssSelector("[data-action='take']")).click();
        await().atMost(WAIT).until(() -> browser.findElement(By.cssSelector("[data-aid='hill/a7'] .aid-status"))
                .getText().contains("You said you would go"));
        await().atMost(WAIT).until(() -> answers.containsKey(REQUEST + "/valley"));
        assertThat(new JsonObject(answers.get(REQUEST + "/valley")).getString("person")).isEqualTo("ann");

        // The hill hears it and says so: the page follows without a reload.
        hill.publish(REQUEST, (request + ",\"taken\":{\"person\":\"ann\",\"site\":\"valley\",\"at\":"
                + System.currentTimeMillis() + "}}").getBytes(StandardCharsets.UTF_8), 1, true);
        await().atMost(WAIT).until(() -> browser.findElement(By.cssSelector("[data-aid='hill/a7'] .aid-status"))
                .getText().equals("ann of valley is going; hill knows."));
        browser.manage().window().setSize(new Dimension(1280, 800));
        BrowserPages.screenshot(browser, "aid-taken-wide.png");

        // Resolved at the hill: the request is withdrawn, leaves the page, and the valley clears its answer.
        hill.publish(REQUEST, new byte[0], 1, true);
        await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("[data-aid='hill/a7']")).isEmpty());
        await().atMost(WAIT).until(() -> answers.get(REQUEST + "/valley").isEmpty());
    }
}
