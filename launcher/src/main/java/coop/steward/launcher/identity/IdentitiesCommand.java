package coop.steward.launcher.identity;

import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code steward identities}: broker accounts and ACL for a site, from its device configs. */
@Command(name = "identities", mixinStandardHelpOptions = true,
        description = {"Makes a broker account for each device, the collector and the operator, and a Mosquitto "
                + "configuration that takes only those accounts and lets each device publish only its own "
                + "readings, status and answers, and hear only its own config, commands and acks.",
                "Writes DIR/accounts/NAME.env (one per account: install each where it runs, and nowhere else) and "
                        + "DIR/mosquitto/ (steward.conf, passwords, acl). Run it again after adding a device: "
                        + "passwords already made are kept. See docs/security.md."})
public final class IdentitiesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONFIG", arity = "0..*",
            description = "device configs (YAML), or folders of them; each device gets its own account")
    List<Path> configs;

    @Option(names = "--forwarding-site", paramLabel = "SITE", description = {"at a hub's broker: an account for the "
            + "collector of SITE, which forwards to this hub (bin/steward collector --forward-to);",
            "give it once per site collector; SITE,SITE for one collector that serves several site ids"})
    List<String> forwardingSites = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "./identities",
            description = "where to write them (default: ${DEFAULT-VALUE}); it holds secrets")
    Path outDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "1883",
            description = "the broker's plain MQTT port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "listen on this address only (default: every interface; with TLS, plain MQTT is on "
                    + "127.0.0.1 only)")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "the broker's certificate (PEM): adds a TLS "
            + "listener for everything that comes over the network")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the private key of --tls-cert (PEM)")
    Path tlsKey;

    @Option(names = "--tls-port", paramLabel = "PORT", defaultValue = "8883",
            description = "the TLS port (default: ${DEFAULT-VALUE})")
    int tlsPort;

    @Option(names = "--client-ca", paramLabel = "FILE", description = "require a client certificate signed by "
            + "this CA (PEM) on the TLS listener, beside the password")
    Path clientCa;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if ((tlsCert == null) != (tlsKey == null) || clientCa != null && tlsCert == null) {
                err.println("--tls-cert and --tls-key go together, and --client-ca needs them");
                return 2;
            }
            if ((configs == null || configs.isEmpty()) && forwardingSites.isEmpty()) {
                err.println("Give the device configs of the site (or their folder), or, at a hub, "
                        + "--forwarding-site SITE for each site that forwards to it");
                return 2;
            }
            List<DeviceConfig> devices = new ArrayList<>();
            for (Path file : configs == null || configs.isEmpty() ? List.<Path>of() : files(err)) {
                try {
                    devices.add(DeviceConfigLoader.load(file));
                } catch (ConfigException e) {
                    e.errors().forEach(err::println);
                    err.println("Nothing was written: fix " + file + " first (bin/steward config validate checks it).");
                    return 2;
                }
            }
            List<Account> accounts = Identities.of(devices, forwardingSites);
            IdentityFolder folder = new IdentityFolder(outDir);
            ListenerSettings listeners = new ListenerSettings(port, bind, tlsPort, abs(tlsCert), abs(tlsKey),
                    abs(clientCa), clientCa != null);
            IdentityFolder.Written written = folder.write(accounts, listeners);
            written.created().forEach(name -> out.println("new account " + name + ": "
                    + folder.accountFile(name)));
            written.kept().forEach(name -> out.println("kept account " + name + " (its password is unchanged)"));
            if (written.brokerCannotRead() != null) {
                Path passwords = folder.dir().resolve("mosquitto/passwords");
                out.println(written.brokerCannotRead() + ": chgrp mosquitto " + passwords + " && chmod 640 "
                        + passwords);
            }
            out.println("Mosquitto configuration: " + written.mosquittoConf()
                    + "\nInstall it as docs/security.md shows; keep " + outDir.toAbsolutePath().normalize()
                    + " secret.");
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "; nothing was written");
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private List<Path> files(PrintWriter err) {
        List<Path> files = new ArrayList<>();
        for (Path config : configs) {
            if (Files.isDirectory(config)) {
                try (Stream<Path> listing = Files.list(config)) {
                    listing.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot list " + config + " (" + e.getMessage() + ")");
                }
            } else {
                files.add(config);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no device configs (*.yaml) in " + configs);
        }
        return files;
    }

    private static Path abs(Path path) {
        return path == null ? null : path.toAbsolutePath().normalize();
    }
}
