package coop.steward.collector.alert;

import java.util.Arrays;

/**
 * What the rules remember of one sensor, or of one device, kept by the engine beside it ({@link Sample#memory},
 * {@link Sample#deviceMemory}). A rule finds its state here by its own identity, among the few rules that read the
 * sensor, where it had a map by subject of its own, looked up for every reading: under bin/bench's load, map lookups
 * were a third of the alert thread's time.
 * <p>
 * The engine drops a memory with its sensor or device (a site forgotten, {@link AlertEngine#forget}) and empties
 * every memory when the rules are replaced. A rule that also keeps the same state in a map of its own, to go through
 * it on a tick, may drop it from that map only where the engine drops the memory too, or the two would part.
 */
final class RuleMemory {
    private Rule[] rules = new Rule[4];
    private Object[] states = new Object[4];
    private int size;

    /** What {@code rule} keeps here, or null. */
    @SuppressWarnings("unchecked")
    <S> S of(Rule rule) {
        for (int i = 0; i < size; i++) {
            if (rules[i] == rule) {
                return (S) states[i];
            }
        }
        return null;
    }

    /** Keeps {@code state} for {@code rule}, in place of what it kept before. */
    void keep(Rule rule, Object state) {
        for (int i = 0; i < size; i++) {
            if (rules[i] == rule) {
                states[i] = state;
                return;
            }
        }
        if (size == rules.length) {
            rules = Arrays.copyOf(rules, 2 * size);
            states = Arrays.copyOf(states, 2 * size);
        }
        rules[size] = rule;
        states[size] = state;
        size++;
    }

    /** Forgets what every rule kept: they are replaced. */
    void clear() {
        Arrays.fill(rules, 0, size, null);
        Arrays.fill(states, 0, size, null);
        size = 0;
    }
}
