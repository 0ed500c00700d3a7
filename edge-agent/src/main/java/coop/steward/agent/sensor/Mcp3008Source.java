package coop.steward.agent.sensor;

/** One input of an MCP3008, in counts (0 to 1023). */
final class Mcp3008Source implements SensorSource {
    private final Mcp3008 chip;
    private final int channel;

    Mcp3008Source(Mcp3008 chip, int channel) {
        this.chip = chip;
        this.channel = channel;
    }

    @Override
    public double read(long t) {
        return chip.read(channel);
    }
}
