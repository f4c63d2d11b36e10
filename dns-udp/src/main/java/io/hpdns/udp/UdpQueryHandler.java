package io.hpdns.udp;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * Answers the query datagrams of one socket. It runs on that socket's event loop thread only, so
 * it owns its {@link QueryProcessor} and its buffers outright and reuses them for every datagram.
 *
 * <p>Netty delivers the datagrams of one {@code recvmmsg} batch as consecutive {@link
 * #channelRead} calls followed by one {@link #channelReadComplete}; responses are only written
 * during the batch and flushed once at its end, which netty turns into one {@code sendmmsg}.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {

    /** The largest UDP payload (RFC 768 length field minus the 8-byte header, rounded up). */
    private static final int MAX_QUERY = 65535;

    private final QueryProcessor processor;
    private final ThrottledWarning faults;
    private final byte[] query = new byte[MAX_QUERY];
    private final byte[] response = new byte[QueryProcessor.MAX_RESPONSE];

    UdpQueryHandler(QueryProcessor processor, ThrottledWarning faults) {
        this.processor = processor;
        this.faults = faults;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            ByteBuf content = packet.content();
            int length = Math.min(content.readableBytes(), MAX_QUERY);
            content.getBytes(content.readerIndex(), query, 0, length);
            int responseLength = processor.process(query, length, response, Protocol.UDP);
            // An unwritable channel means the kernel send buffer is full and replies are piling up
            // in user space: drop, as the kernel itself would, rather than queue without bound.
            if (responseLength > 0 && ctx.channel().isWritable()) {
                ByteBuf out = ctx.alloc().directBuffer(responseLength);
                out.writeBytes(response, 0, responseLength);
                ctx.write(new DatagramPacket(out, packet.sender()), ctx.voidPromise());
            }
        } catch (RuntimeException e) {
            faults.occurred("query from " + packet.sender() + ": " + e, e);
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /**
     * Failed receives and sends of a datagram socket (for example a reply to an address the kernel
     * refuses to route) concern one packet only; the socket keeps serving.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        faults.occurred(cause.toString(), cause);
    }
}
