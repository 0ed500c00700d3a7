package coop.steward.collector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {
    @TempDir
    Path tmp;

    private static List<ConfigError> errors(String yaml) {
        try {
            CollectorConfig.parse(yaml, "collector.yaml");
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected the config to be refused");
    }

    @Test
    void noConfig_runsEveryShippedRuleSet_andKeepsRawReadings90Days() {
        CollectorConfig config = CollectorConfig.defaults();

        assertThat(config.rawRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(config.alerts().rules()).extracting(RuleConfig::id).containsExactly("silent", "stuck",
                "stuck-soil-moisture", "impossible-value", "soil-dry", "soil-wilting", "soil-waterlogged",
                "irrigation-leak", "irrigation-no-flow", "watering-no-rise", "water-budget", "solar-underperformance",
                "battery-low");
        assertThat(config.alerts().renotify()).isEqualTo(Duration.ofHours(4));
        assertThat(config.alerts().lateAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.alerts().rules().get(4)).isEqualTo(new RuleConfig.Threshold(new RuleConfig.Basics(
                "soil-dry", "threshold", Severity.WARNING, RuleTarget.ALL, "Water the bed now and check the irrigation "
                + "controller's schedule and refill point."), "soil_moisture", true, 20, 3, Duration.ofMinutes(30)));
    }

    @Test
    void fullConfig_isRead_withRulesReplacingAndSwitchingOffShippedOnes() throws Exception {
        Path file = tmp.resolve("collector.yaml");
        Files.writeString(file, """
                store:
                  rawRetentionDays: 30
                alerts:
                  defaults: [food-forest, solar-array]
                  renotifyMinutes: 60
                  lateAfterMinutes: 10
                  webhooks:
                    - url: https://hooks.example.org/steward/T0K3N
                      headers: {Authorization: Bearer abc}
                  arrays:
                    - {site: solar-array, device: array-1, peakPowerW: 2400}
                  rules:
                    - {id: water-budget, enabled: false}
                    - id: soil-dry
                      type: threshold
                      kind: soil_moisture
                      sites: [food-forest]
                      devices: [bed-1, bed-2]
                      below: 24
                      hysteresis: 3
                      for: 20m
                    - id: berries-dry
                      type: threshold
                      kind: soil_moisture
                      severity: critical
                      devices: [bed-3]
                      below: 26
                      for: 1h
                """);

        CollectorConfig config = CollectorConfig.load(file);

        assertThat(config.rawRetention()).isEqualTo(Duration.ofDays(30));
        AlertsConfig alerts = config.alerts();
        assertThat(alerts.renotify()).isEqualTo(Duration.ofHours(1));
        assertThat(alerts.lateAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(alerts.webhooks()).singleElement().satisfies(hook -> {
            assertThat(hook.url().toString()).isEqualTo("https://hooks.example.org/steward/T0K3N");
            assertThat(hook.headers()).containsEntry("Authorization", "Bearer abc");
            assertThat(hook.safeName()).isEqualTo("https://hooks.example.org");
        });
        assertThat(alerts.arrays()).containsExactly(new ArrayConfig("solar-array", "array-1", null, 2400));
        assertThat(alerts.rules()).extracting(RuleConfig::id).containsExactly("soil-dry", "soil-wilting",
                "soil-waterlogged", "irrigation-leak", "irrigation-no-flow", "watering-no-rise",
                "solar-underperformance", "battery-low", "berries-dry");
        RuleConfig.Threshold soilDry = (RuleConfig.Threshold) alerts.rules().get(0);
        assertThat(soilDry.limit()).isEqualTo(24);
        assertThat(soilDry.hold()).isEqualTo(Duration.ofMinutes(20));
        assertThat(soilDry.basics().target().matches("food-forest", "bed-2", "soil-a")).isTrue();
        assertThat(soilDry.basics().target().matches("food-forest", "bed-3", "soil-a")).isFalse();
        assertThat(alerts.rules().get(8).basics().severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void sharing_isEverythingUnlessSaid_andPerDeviceWhereGiven() {
        assertThat(CollectorConfig.defaults().sharing()).isEqualTo(Sharing.DEFAULT);
        Sharing sharing = CollectorConfig.parse("""
                sharing:
                  share: status
                  devices: {pump: nothing, food-forest/bed-1: everything, gate: hourly}
                  catchUpPerSecond: 500
                  ackTimeoutSeconds: 120
                """, "collector.yaml").sharing();

        assertThat(sharing.of("food-forest", "bed-1")).isEqualTo(Sharing.Share.EVERYTHING);
        assertThat(sharing.of("orchard", "bed-1")).as("another site's bed-1").isEqualTo(Sharing.Share.STATUS);
        assertThat(sharing.of("orchard", "pump")).isEqualTo(Sharing.Share.NOTHING);
        assertThat(sharing.of("orchard", "gate")).isEqualTo(Sharing.Share.HOURLY);
        assertThat(sharing.catchUpPerSecond()).isEqualTo(500);
        assertThat(sharing.ackTimeoutSeconds()).isEqualTo(120);
        assertThat(CollectorConfig.defaults().sharing().ackTimeoutSeconds()).as("as an agent's").isEqualTo(30);
    }

    @Test
    void sharingProblems_nameTheChoices() {
        assertThat(errors("""
                sharing:
                  share: all
                  devices: {Pump: nothing, gate: daily}
                  catchUpPerSecond: 0
                  ackTimeoutSeconds: 0
                """)).extracting(ConfigError::toString).containsExactly(
                "collector.yaml:2: sharing.share: 'all' is not a choice; share one of everything, hourly, status, "
                        + "nothing",
                "collector.yaml:3: sharing.devices.Pump: 'Pump' is neither a device id nor site/device (ids are 1 to "
                        + "64 lower-case letters, digits, '_' or '-')",
                "collector.yaml:3: sharing.devices.gate: 'daily' is not a choice; share one of everything, hourly, "
                        + "status, nothing",
                "collector.yaml:4: sharing.catchUpPerSecond: 0 is out of range; use a number from 1 to 1000000",
                "collector.yaml:5: sharing.ackTimeoutSeconds: 0 is out of range; use a number from 1 to 3600");
    }

    @Test
    void neighbours_judgeThreeDaysAgainstThreePeersUnlessSaid_andAnArrayMayNameWhichWayItFaces() {
        assertThat(CollectorConfig.defaults().neighbours()).isEqualTo(Neighbours.DEFAULT);
        CollectorConfig config = CollectorConfig.parse("""
                alerts:
                  arrays:
                    - {site: orchard, device: roof, peakPowerW: 3000, facing: south-west}
                neighbours:
                  days: 5
                  below: 0.7
                  dimBelow: 0.5
                  minPeers: 4
                  severity: info
                  checkEvery: 6h
                """, "collector.yaml");

        assertThat(config.alerts().arrays().get(0).facing()).isEqualTo("south-west");
        assertThat(config.neighbours()).isEqualTo(new Neighbours(5, 0.7, 0.5, 2.0, 0.3, 4, Severity.INFO,
                Duration.ofHours(6)));
    }

    @Test
    void neighboursProblems_sayWhatToGive() {
        assertThat(errors("""
                alerts:
                  arrays:
                    - {site: orchard, device: roof, peakPowerW: 3000, facing: sunwards}
                neighbours:
                  days: 0
                  below: 0.5
                  dimBelow: 0.6
                  checkEvery: 0
                  severity: loud
                """)).extracting(ConfigError::toString).containsExactly(
                "collector.yaml:3: alerts.arrays[0].facing: 'sunwards' is not a way an array faces; give one of "
                        + "north, north-east, east, south-east, south, south-west, west, north-west, east-west, "
                        + "flat, or leave it out when unknown",
                "collector.yaml:5: neighbours.days: 0 is out of range; use a number from 1 to 60",
                "collector.yaml:7: neighbours.dimBelow: dimBelow (0.6) is above below (0.5): dim days are given "
                        + "more room, not less; make it 0.5 or lower",
                "collector.yaml:8: neighbours.checkEvery: the hub must judge now and then; give a duration of 1s "
                        + "or more, e.g. 1h",
                "collector.yaml:9: neighbours.severity: 'loud' is not a severity; use info, warning or critical");
    }

    @Test
    void help_isNeitherAskedNorOfferedUnlessSaid_andASiteSaysHowToFindIt() {
        assertThat(CollectorConfig.defaults().help()).isEqualTo(Help.NONE);
        CollectorConfig config = CollectorConfig.parse("""
                sites:
                  - {id: hill, zone: Europe/Lisbon, where: "Hill Street allotments, north gate"}
                help:
                  ask: true
                """, "collector.yaml");

        assertThat(config.help()).isEqualTo(new Help(true, false));
        assertThat(config.sites().get(0).where()).isEqualTo("Hill Street allotments, north gate");
    }

    @Test
    void helpProblems_sayWhatToGive() {
        assertThat(errors("""
                sites:
                  - {id: hill, zone: Europe/Lisbon, where: "%s"}
                help:
                  ask: yes please
                  give: true
                """.formatted("x".repeat(301)))).extracting(ConfigError::toString).containsExactly(
                "collector.yaml:2: sites[0].where: the directions are 301 characters long; keep them to 300 (an "
                        + "address and where to go once there)",
                "collector.yaml:4: help.ask: must be true or false, not the text 'yes please'",
                "collector.yaml:5: help.give: 'give' is not a known key; the keys under help are ask, offer");
    }

    @Test
    void everyProblem_isReportedWithFileLineAndField() {
        List<ConfigError> errors = errors("""
                store:
                  rawRetentionDays: forever
                alerts:
                  defaults: [food-forest, solar]
                  renotifyMinuts: 30
                  webhooks:
                    - url: ftp://example.org/x
                  rules:
                    - id: Bed-Dry
                      type: threshold
                    - id: wet
                      type: treshold
                    - id: leak2
                      type: irrigation-leak
                      flowAbove: "0.3"
                      for: 1 minute
                    - id: budget
                      type: water-budget
                    - id: sun
                      type: solar-underperformance
                      below: 0.8
                      clearAbove: 0.7
                    - id: cold
                      type: threshold
                      kind: soil_temp
                      below: 2
                      above: 30
                """);

        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "collector.yaml:2: store.rawRetentionDays: must be a number, not the text 'forever'",
                "collector.yaml:4: alerts.defaults: 'solar' is not a shipped rule set; the sets are devices, "
                        + "food-forest, solar-array (or [] for none)",
                "collector.yaml:5: alerts.renotifyMinuts: 'renotifyMinuts' is not a known key (did you mean "
                        + "'renotifyMinutes'?); the keys under alerts are defaults, renotifyMinutes, lateAfterMinutes, "
                        + "webhooks, arrays, rules",
                "collector.yaml:7: alerts.webhooks[0].url: 'ftp://example.org/x' is not an http:// or https:// URL "
                        + "with a host",
                "collector.yaml:9: alerts.rules[0].id: 'Bed-Dry' is not a valid id: use 1 to 64 lower-case letters, "
                        + "digits, '_' or '-', starting with a letter or digit",
                "collector.yaml:12: alerts.rules[1].type: 'treshold' is not a rule type (did you mean 'threshold'?); "
                        + "the types are threshold, absence, irrigation-leak, irrigation-no-flow, water-budget, "
                        + "solar-underperformance, watering-no-rise, battery-low, sensor-stuck, sensor-range",
                "collector.yaml:15: alerts.rules[2].flowAbove: must be a number, not the text '0.3'; remove the quotes",
                "collector.yaml:16: alerts.rules[2].for: '1 minute' is not a duration; write a whole number and a "
                        + "unit, e.g. 90s, 30m, 2h or 1d",
                "collector.yaml:17: alerts.rules[3].litresPerDay: 'litresPerDay' is missing; add it under "
                        + "alerts.rules[3], e.g. litresPerDay: 1000",
                "collector.yaml:22: alerts.rules[4].clearAbove: must not be below 'below' (0.8)",
                "collector.yaml:25: alerts.rules[5].kind: 'soil_temp' is not a kind of the contract; use one of "
                        + "soil_moisture, soil_temperature, air_temperature, humidity, flow_rate, water_total, "
                        + "valve_state, solar_power, solar_voltage, solar_current, energy_total, irradiance, "
                        + "battery_voltage, battery_soc or x_<name>",
                "collector.yaml:27: alerts.rules[5].above: give exactly one of 'below' and 'above': the limit and "
                        + "the direction in which crossing it raises the alert");
    }

    @Test
    void duplicateRuleIds_andSwitchingOffAnUnknownRule_areRefused() {
        List<ConfigError> errors = errors("""
                alerts:
                  rules:
                    - {id: dry, type: threshold, kind: soil_moisture, below: 20}
                    - {id: dry, type: threshold, kind: soil_moisture, below: 15}
                    - {id: no-such-rule, enabled: false}
                """);

        assertThat(errors).extracting(ConfigError::line).containsExactly(4, 5);
        assertThat(errors.get(0).message()).contains("the rule id 'dry' is used twice, here and on line 3");
        assertThat(errors.get(1).message()).contains("no shipped rule has the id 'no-such-rule'");
    }

    @Test
    void missingFile_isAnErrorNamingIt() {
        Path missing = tmp.resolve("nope.yaml");

        assertThatThrownBy(() -> CollectorConfig.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void sites_giveEachSiteItsTimeZone_andSitesNotListedAreLeftToTheCollectorsZone() {
        CollectorConfig config = CollectorConfig.parse("""
                sites:
                  - id: food-forest
                    zone: Europe/London
                  - {id: lord-howe-array, zone: Australia/Lord_Howe}
                """, "collector.yaml");

        assertThat(config.sites()).containsExactly(new SiteConfig("food-forest", ZoneId.of("Europe/London")),
                new SiteConfig("lord-howe-array", ZoneId.of("Australia/Lord_Howe")));
        assertThat(CollectorConfig.defaults().sites()).isEmpty();
    }

    @Test
    void everyProblemWithASite_isReportedWithFileLineAndField() {
        List<ConfigError> errors = errors("""
                sites:
                  - id: food-forest
                    zone: Europe/Londn
                  - id: orchard
                    zone: London
                  - id: Solar-Array
                    zone: +01:00
                  - id: food-forest
                    zone: UTC
                  - id: shed
                  - {id: barn, zone: UTC, timezone: UTC}
                """);

        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "collector.yaml:3: sites[0].zone: 'Europe/Londn' is not an IANA time zone (did you mean "
                        + "'Europe/London'?); use a name such as Europe/London, America/New_York or UTC",
                "collector.yaml:5: sites[1].zone: 'London' is not an IANA time zone (did you mean 'Europe/London'?); "
                        + "use a name such as Europe/London, America/New_York or UTC",
                "collector.yaml:6: sites[2].id: 'Solar-Array' is not a valid id: use 1 to 64 lower-case letters, "
                        + "digits, '_' or '-', starting with a letter or digit",
                "collector.yaml:7: sites[2].zone: '+01:00' is not an IANA time zone; use a name such as "
                        + "Europe/London, America/New_York or UTC",
                "collector.yaml:8: sites[3].id: the site 'food-forest' is listed twice, here and on line 2; list "
                        + "each site once",
                "collector.yaml:10: sites[4].zone: 'zone' is missing; add it under sites[4], e.g. zone: "
                        + "Europe/London",
                "collector.yaml:11: sites[5].timezone: 'timezone' is not a known key; the keys under sites[5] are "
                        + "id, zone, where");
    }

    @Test
    void limits_defaultFarAboveAnySite_andAreRaisedOrLoweredUnderStore() {
        assertThat(CollectorConfig.defaults().limits()).isEqualTo(new Limits(10_000, 100_000, 1_000));

        CollectorConfig config = CollectorConfig.parse("""
                store:
                  maxDevices: 20000
                  maxSeries: 250000
                  maxSensorsPerDevice: 50
                """, "collector.yaml");

        assertThat(config.limits()).isEqualTo(new Limits(20_000, 250_000, 50));
        assertThat(config.rawRetention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void aLimitThatIsNotAWholeNumberAboveZero_isReported() {
        List<ConfigError> errors = errors("""
                store:
                  maxDevices: 0
                  maxSeries: lots
                  maxSensors: 5
                """);

        assertThat(errors).extracting(ConfigError::toString).hasSize(3).anySatisfy(e -> assertThat(e)
                .startsWith("collector.yaml:2: store.maxDevices:")).anySatisfy(e -> assertThat(e)
                .startsWith("collector.yaml:3: store.maxSeries:")).anySatisfy(e -> assertThat(e)
                .startsWith("collector.yaml:4: store.maxSensors: 'maxSensors' is not a known key (did you mean "
                        + "'maxSensorsPerDevice'?)"));
    }
}
