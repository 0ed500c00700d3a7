package coop.steward.launcher.identity;

import coop.steward.collector.hub.HubMembers;
import coop.steward.config.DeviceConfig;
import coop.steward.config.MqttSettings;
import coop.steward.protocol.Channel;
import coop.steward.protocol.Ids;
import coop.steward.protocol.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker accounts of a site, from its device configs: one per device, which may publish only its own readings,
 * status and answers and hear only its own config, commands and acks; the collector's, which reads every device and
 * answers them; and the operator's, the only one that may send configs and commands.
 */
public final class Identities {
    public static final String COLLECTOR = "collector";
    public static final String OPERATOR = "operator";
    /** The collector's second login, for the commands people give from the dashboard. */
    public static final String COMMANDS = "collector-commands";
    private static final String EVERY_DEVICE = Topics.PREFIX + "+/+/";
    /** A forwarding site's account on its hub's broker is this and the site's id. */
    public static final String FORWARD_PREFIX = "forward.";

    private Identities() {
    }

    /** @throws IllegalArgumentException when two devices would share an identity, saying which */
    public static List<Account> of(List<DeviceConfig> devices) {
        return of(devices, List.of());
    }

    /**
     * The accounts of a site's broker, or of a hub's: {@code forwardingSites} are the sites whose collectors forward
     * to this broker, each with an account of its own ({@code forward.SITE}).
     *
     * @throws IllegalArgumentException when two devices would share an identity, or a site id is not valid
     */
    public static List<Account> of(List<DeviceConfig> devices, List<String> forwardingSites) {
        List<Account> accounts = new ArrayList<>(List.of(collector(), operator(), commands()));
        for (String entry : forwardingSites) {
            // "a,b": one collector that serves several site ids, with one account for all of them.
            List<String> sites = List.of(entry.split(",", -1));
            for (String site : sites) {
                if (!Ids.isValid(site)) {
                    throw new IllegalArgumentException("'" + site + "' is not a site id: use 1 to 64 lower-case "
                            + "letters, digits, '_' or '-', starting with a letter or digit");
                }
            }
            if (accounts.stream().noneMatch(a -> a.username().equals(FORWARD_PREFIX + sites.get(0)))) {
                accounts.add(siteForwarder(sites));
            }
        }
        Map<String, String> taken = new HashMap<>(Map.of(COLLECTOR, "the collector", OPERATOR, "the operator",
                COMMANDS, "the collector's commands"));
        for (DeviceConfig device : devices) {
            String name = device.site() + "/" + device.device();
            String username = username(device);
            if (Ids.ALERTS.equals(device.device())) {
                throw new IllegalArgumentException("device " + name + ": 'alerts' cannot be a device id, since "
                        + "steward/v1/" + device.site() + "/alerts/ is where the site's alerts are published");
            }
            // Checked again here, not only by the config loader: these names are written into the broker's files.
            if (!MqttSettings.USERNAME.matcher(username).matches()) {
                throw new IllegalArgumentException("device " + name + ": its mqtt.username is not a user name a "
                        + "broker file can hold; use 1 to 128 letters, digits, '.', '_' and '-'");
            }
            String earlier = taken.putIfAbsent(username, name);
            if (earlier != null) {
                throw new IllegalArgumentException(earlier.equals(name)
                        ? "device " + name + " is given twice; give each device's config once"
                        : "devices " + earlier + " and " + name + " would both log in as '" + username + "'; give "
                                + "each its own mqtt.username, or leave it out for " + name + " to be its own");
            }
            accounts.add(device(device, username));
        }
        return accounts;
    }

    /** The config's {@code mqtt.username}, or {@code site.device}: ids hold no '.', so no two devices share it. */
    public static String username(DeviceConfig device) {
        return device.mqtt().username() != null ? device.mqtt().username() : device.site() + "." + device.device();
    }

    static Account collector() {
        return new Account(COLLECTOR, "the collector: reads every device, acknowledges readings, publishes alerts "
                + "(and, at a hub, what it concludes of each site's arrays, and what the hub's collectors tell each other)",
                List.of(Permission.read(EVERY_DEVICE + Channel.READINGS.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.STATUS.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.CONFIG_ACK.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.CMD_ACK.suffix()),
                        Permission.write(EVERY_DEVICE + Channel.READINGS_ACK.suffix()),
                        Permission.readWrite(Topics.PREFIX + "+/alerts/#"),
                        Permission.read(Topics.ALL_FORWARD_REPORTS),
                        Permission.write(Topics.neighbours("+")),
                        Permission.readWrite(HubMembers.ROOT + "#")));
    }

    /**
     * At a hub: one site's collector, forwarding what it shares. It may publish only its own site's readings,
     * statuses and report, and hear only its own site's confirmations and what the hub says of its arrays; it asks
     * for help with its own alerts, hears every site's requests, and takes them in its own site's name only.
     */
    static Account siteForwarder(List<String> sites) {
        List<Permission> permissions = new ArrayList<>();
        for (String site : sites) {
            String devices = Topics.PREFIX + site + "/+/";
            permissions.addAll(List.of(Permission.write(devices + Channel.READINGS.suffix()),
                    Permission.write(devices + Channel.STATUS.suffix()),
                    Permission.write(Topics.forwardReport(site)),
                    Permission.read(devices + Channel.READINGS_ACK.suffix()),
                    Permission.read(Topics.neighbours(site)),
                    // Mutual aid: its own requests for help and their answers, and its neighbours' requests, which
                    // it answers under its own id only (and hears those answers again after a restart).
                    Permission.readWrite(Topics.aidRequest(site, "+")),
                    Permission.read(Topics.aidAnswers(site)),
                    Permission.read(Topics.ALL_AID_REQUESTS),
                    Permission.readWrite(Topics.aidTaken("+", "+", site))));
        }
        return new Account(FORWARD_PREFIX + sites.get(0), "the collector of " + (sites.size() == 1 ? "site "
                : "sites ") + String.join(", ", sites) + ", forwarding to this hub", permissions);
    }

    static Account operator() {
        return new Account(OPERATOR, "the operator: sends configs and commands to devices (config push)",
                List.of(Permission.readWrite(EVERY_DEVICE + Channel.CONFIG.suffix()),
                        Permission.write(EVERY_DEVICE + Channel.CMD.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.CONFIG_ACK.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.CMD_ACK.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.STATUS.suffix()),
                        Permission.read(Topics.PREFIX + "+/alerts/#")));
    }

    static Account commands() {
        return new Account(COMMANDS, "the collector's commands: valves opened and closed, and configs pushed, from "
                + "the dashboard", List.of(Permission.write(EVERY_DEVICE + Channel.CMD.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.CMD_ACK.suffix()),
                        Permission.write(EVERY_DEVICE + Channel.CONFIG.suffix()),
                        Permission.read(EVERY_DEVICE + Channel.CONFIG_ACK.suffix())));
    }

    static Account device(DeviceConfig device, String username) {
        String site = device.site();
        String id = device.device();
        return new Account(username, "device " + site + "/" + id,
                List.of(Permission.write(Topics.device(site, id, Channel.READINGS)),
                        Permission.write(Topics.device(site, id, Channel.STATUS)),
                        Permission.write(Topics.device(site, id, Channel.CONFIG_ACK)),
                        Permission.write(Topics.device(site, id, Channel.CMD_ACK)),
                        Permission.read(Topics.device(site, id, Channel.CONFIG)),
                        Permission.read(Topics.device(site, id, Channel.CMD)),
                        Permission.read(Topics.device(site, id, Channel.READINGS_ACK))));
    }
}
