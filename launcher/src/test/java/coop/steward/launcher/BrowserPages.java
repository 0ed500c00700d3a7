package coop.steward.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the browser tests do alike: have a bed report soil moisture through the broker, sign in on the sign-in form,
 * and keep a picture of the page.
 */
final class BrowserPages {
    private BrowserPages() {
    }

    /** 75 % soil moisture is past what a soil can hold: the impossible-value rule raises a warning at once. */
    static void publishImpossibleSoilMoisture(String brokerUrl) throws Exception {
        MqttClient device = new MqttClient(brokerUrl, "bed-3", new MemoryPersistence());
        device.connect();
        device.publish("steward/v1/food-forest/bed-3/readings", ("{\"v\": 1, \"device\": \"bed-3\", \"seq\": 1, "
                + "\"readings\": [{\"sensor\": \"soil-a\", \"kind\": \"soil_moisture\", \"t\": "
                + System.currentTimeMillis() + ", \"value\": 75}]}").getBytes(StandardCharsets.UTF_8), 1, false);
        device.disconnect();
    }

    /** Fills and sends the sign-in form the page is on. */
    static void signIn(ChromeDriver browser, String name, String password) {
        browser.findElement(By.id("name")).clear();
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("#signin button")).click();
    }

    /** Into target/screenshots, where a person looks at them after a run. */
    static void screenshot(ChromeDriver browser, String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
