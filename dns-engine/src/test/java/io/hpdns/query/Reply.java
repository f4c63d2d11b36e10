package io.hpdns.query;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One response of the engine: its wire bytes and dnsjava's reading of them. Sections come back as
 * {@code owner TTL class type rdata} lines so tests state the exact records, TTLs included.
 */
public record Reply(byte[] wire, Message message) {

    public int length() {
        return wire.length;
    }

    /** The full RCODE: header RCODE plus the OPT's extended bits (RFC 6891 §6.1.3). */
    public int rcode() {
        return message.getRcode();
    }

    public boolean flag(int flag) {
        return message.getHeader().getFlag(flag);
    }

    public int id() {
        return message.getHeader().getID();
    }

    public int opcode() {
        return message.getHeader().getOpcode();
    }

    public int count(int section) {
        return message.getHeader().getCount(section);
    }

    public Record question() {
        return message.getQuestion();
    }

    public List<String> answer() {
        return lines(Section.ANSWER);
    }

    public List<String> authority() {
        return lines(Section.AUTHORITY);
    }

    /** The additional section without the OPT pseudo-RR, which {@link #opt()} returns. */
    public List<String> additional() {
        return lines(Section.ADDITIONAL);
    }

    public List<Record> records(int section) {
        List<Record> records = new ArrayList<>();
        for (Record record : message.getSection(section)) {
            if (record.getType() != Type.OPT) {
                records.add(record);
            }
        }
        return records;
    }

    public OPTRecord opt() {
        return message.getOPT();
    }

    private List<String> lines(int section) {
        List<String> lines = new ArrayList<>();
        for (Record record : records(section)) {
            lines.add(text(record));
        }
        return lines;
    }

    public static String text(Record record) {
        return record.getName() + " " + record.getTTL() + " " + DClass.string(record.getDClass()) + " "
                + Type.string(record.getType()) + " " + record.rdataToString();
    }

    @Override
    public String toString() {
        return message.toString();
    }
}
