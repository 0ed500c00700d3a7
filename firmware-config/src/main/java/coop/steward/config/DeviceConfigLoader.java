package coop.steward.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and validates a device configuration. Validation is complete: a {@link ConfigException} lists every
 * problem in the file, each with its line and field.
 */
public final class DeviceConfigLoader {
    private DeviceConfigLoader() {
    }

    /** Reads a UTF-8 YAML file; errors name the path as given. */
    public static DeviceConfig load(Path file) {
        String name = file.toString();
        return parse(read(file, name), name);
    }

    /**
     * Parses YAML that came from elsewhere, such as a config pushed over MQTT.
     *
     * @param sourceName where the text came from, used as the file in every {@link ConfigError}
     */
    public static DeviceConfig parse(String yaml, String sourceName) {
        Problems problems = new Problems(sourceName);
        YamlNode root = YamlTreeReader.read(stripByteOrderMark(yaml), problems);
        DeviceConfig config = root == null ? null : new DeviceReader(problems).read(root);
        problems.throwIfAny();
        return config;
    }

    private static String read(Path file, String name) {
        if (Files.isDirectory(file)) {
            throw failure(name, "this is a folder, not a file; give the path of the device's .yaml file");
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw failure(name, "the file does not exist; check the path (a relative path starts from the current "
                    + "folder, " + Path.of("").toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw failure(name, "the file cannot be read (permission denied); make it readable for the user that "
                    + "runs steward, e.g. chmod a+r " + name);
        } catch (MalformedInputException e) {
            throw failure(name, "the file is not UTF-8 text; save it as UTF-8 plain text and try again");
        } catch (IOException e) {
            throw failure(name, "the file cannot be read (" + e.getMessage() + "); check that it is a readable "
                    + "file on a working disk");
        }
    }

    private static ConfigException failure(String name, String message) {
        return new ConfigException(List.of(new ConfigError(name, 0, "", message)));
    }

    /** Editors on Windows start UTF-8 files with one; the YAML parser would take it for part of the first key. */
    private static String stripByteOrderMark(String yaml) {
        return yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
    }
}
