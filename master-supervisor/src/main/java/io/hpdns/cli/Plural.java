package io.hpdns.cli;

/** "1 zone", "2 zones": counts in messages read as English. */
final class Plural {

    private Plural() {}

    static String of(int count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }
}
