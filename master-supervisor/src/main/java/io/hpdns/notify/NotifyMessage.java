package io.hpdns.notify;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Builds a NOTIFY for a zone and tells whether a message answers it. */
final class NotifyMessage {

    private NotifyMessage() {}

    /**
     * RFC 1996 §3.7: opcode NOTIFY, AA set, the zone apex SOA as the question, and the new SOA in
     * the answer section as a hint the secondary may use to skip its SOA query.
     */
    static Message of(int id, SOARecord soa) {
        Message message = new Message(id);
        message.getHeader().setOpcode(Opcode.NOTIFY);
        message.getHeader().setFlag(Flags.AA);
        Name apex = soa.getName();
        message.addRecord(Record.newRecord(apex, Type.SOA, DClass.IN), Section.QUESTION);
        message.addRecord(soa, Section.ANSWER);
        return message;
    }

    /** RFC 1996 §4.7: the answer has the NOTIFY's ID, opcode NOTIFY and QR set. */
    static boolean answers(Message response, int id) {
        return response.getHeader().getID() == id
                && response.getHeader().getOpcode() == Opcode.NOTIFY
                && response.getHeader().getFlag(Flags.QR);
    }
}
