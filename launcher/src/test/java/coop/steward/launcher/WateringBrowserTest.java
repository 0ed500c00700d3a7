package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import coop.steward.agent.Agent;
import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.publish.MqttLogin;
import coop.steward.agent.sensor.Board;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A steward waters a bed from the plot view, in a real headless Chromium: the collector sends the command to a real
 * agent over a real Mosquitto, the agent opens its valve (Pi4J's mock GPIO stands in for the relay) and answers, and
 * the page shows the answer, who sent it, and the valve open on the chart.
 */
class WateringBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int VALVE_GPIO = 27;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private RunningCollector collector;
    private Context pi;
    private Agent agent;
    private ChromeDriver browser;
    private String token;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("store"));
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        token = people.newToken("ann", "test");
        people.add("ivy", "ivy's long password", List.of(new Grant("food-forest", Role.INSTALLER)));
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        collector = RunningCollector.start(new CollectorSettings(new IngestSettings(broker.url(),
                "watering-collector", null, null, 1_000, 20_000), "127.0.0.1", 0, tmp.resolve("store"))
                .withAccounts(true));
        await().atMost(WAIT).until(() -> collector.get("/health").statusCode() == 200);
        pi = Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        Board board = new Board(() -> pi, new Board.Providers(MockDigitalInputProvider.ID,
                MockDigitalOutputProvider.ID, MockI2CProvider.ID, MockSpiProvider.ID));
        config = Files.writeString(tmp.resolve("bed-1.yaml"), """
                site: food-forest
                device: bed-1
                mqtt: {url: '%s'}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 5, source: {type: simulated}}
                actuators:
                  - {id: valve, kind: valve_state, gpio: %d, activeHigh: true, maxOpenSeconds: 1800,
                     intervalSeconds: 60}
                """.formatted(broker.url(), tmp.resolve("agent"), VALVE_GPIO));
        agent = Agent.create(DeviceConfigLoader.load(config), Timekeeping.system(Clock.systemUTC()), board,
                MqttLogin.ANONYMOUS);
        agent.start();
        await().atMost(WAIT).until(() -> collector.get("/api/v1/devices", token).body().contains("\"valve\""));
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 390, 844);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (agent != null) {
            agent.close();
        }
        if (collector != null) {
            collector.close();
        }
        broker.close();
    }

    @Test
    void anInstallerPushesAConfigFromTheDevicesView_andSeesTheDeviceApplyIt() throws Exception {
        browser.get("http://127.0.0.1:" + collector.httpPort() + "/#/health");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        browser.findElement(By.id("name")).sendKeys("ivy");
        browser.findElement(By.id("password")).sendKeys("ivy's long password");
        browser.findElement(By.cssSelector("#signin button")).click();
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(".push-config summary")).isEmpty());
        browser.findElement(By.cssSelector(".push-config summary")).click();
        String slower = Files.readString(config).replace("intervalSeconds: 5", "intervalSeconds: 7");
        browser.executeScript("document.querySelector('.push-config-text').value = arguments[0]", slower);
        browser.findElement(By.cssSelector("[data-action='push-config']")).click();

        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(
                ".push-config-status[data-outcome='applied']")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".push-config-status")).getText())
                .isEqualTo("Applied: the device runs it now");
        JsonArray commands = new JsonArray(collector.get("/api/v1/commands?site=food-forest&device=bed-1", token)
                .body());
        assertThat(commands.getJsonObject(0).getString("person")).isEqualTo("ivy");
        assertThat(commands.getJsonObject(0).getString("action")).isEqualTo("config");
    }

    @Test
    void aStewardOpensTheValveFromThePlotView_andSeesTheDevicesAnswerAndTheValveOpen() throws Exception {
        String base = "http://127.0.0.1:" + collector.httpPort() + "/";
        browser.get(base + "#/plot/food-forest/bed-1");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        browser.findElement(By.id("name")).sendKeys("ann");
        browser.findElement(By.id("password")).sendKeys("ann's long password");
        browser.findElement(By.cssSelector("#signin button")).click();

        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("[data-action='water']")).isEmpty());
        browser.findElement(By.cssSelector("[data-action='water']")).click();

        // The view draws itself again once the command is recorded: the status is read from whichever copy is there.
        await().atMost(WAIT).ignoreExceptions().until(() -> browser.findElement(By.cssSelector(
                ".water-status[data-outcome='done']")).getText().contains("the device closes it after 5 minutes"));
        assertThat(pi.io("gpio-" + VALVE_GPIO, MockDigitalOutput.class).isHigh()).as("the relay is on").isTrue();
        await().atMost(WAIT).until(() -> browser.findElement(By.cssSelector(".water-log")).getText()
                .contains("ann · open 5 min · done"));
        JsonArray commands = new JsonArray(collector.get("/api/v1/commands?site=food-forest&device=bed-1", token)
                .body());
        assertThat(commands.getJsonObject(0).getString("person")).isEqualTo("ann");
        assertThat(commands.getJsonObject(0).getString("outcome")).isEqualTo("done");
        assertThat(commands.getJsonObject(0).getInteger("state")).isEqualTo(1);
        // The opening the chart shades, once the agent's valve_state reading is stored.
        await().atMost(WAIT).until(() -> !new JsonObject(collector.get("/api/v1/spans?site=food-forest&device=bed-1"
                + "&sensor=valve", token).body()).getJsonArray("spans").isEmpty());
        browser.executeScript("document.querySelector('.plot-water').scrollIntoView()");
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve("phone-watering.png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
