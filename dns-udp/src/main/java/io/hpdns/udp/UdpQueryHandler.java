package io.hpdns.udp;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * Answers the query datagrams of one socket. It runs on that socket's event loop thread only, so
 * it owns its {@link QueryHandler} and its {@link Exchange} outright and reuses them for every datagram.
 *
 * <p>Netty delivers the datagrams of one {@code recvmmsg} batch as consecutive {@link
 * #channelRead} calls followed by one {@link #channelReadComplete}; responses are only written
 * during the batch and flushed once at its end, which netty turns into one {@code sendmmsg}.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {

    /** The largest UDP payload (RFC 768 length field minus the 8-byte header, rounded up). */
    private static final int MAX_QUERY = Exchange.MAX_MESSAGE;

    private final QueryHandler handler;
    private final ThrottledWarning faults;
    private final Exchange exchange = new Exchange(MAX_QUERY);

    UdpQueryHandler(QueryHandler handler, ThrottledWarning faults) {
        this.handler = handler;
        this.faults = faults;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            ByteBuf content = packet.content();
            int length = Math.min(content.readableBytes(), MAX_QUERY);
            content.getBytes(content.readerIndex(), exchange.request(), 0, length);
            // This fallback allocates per datagram anyway (netty's packets and buffers).
            exchange.client(packet.sender());
            exchange.received(length, Protocol.UDP, System.nanoTime());
            int responseLength = handler.answer(exchange);
            // An unwritable channel means the kernel send buffer is full and replies are piling up
            // in user space: drop, as the kernel itself would, rather than queue without bound.
            if (responseLength > 0 && ctx.channel().isWritable()) {
                ByteBuf out = ctx.alloc().directBuffer(responseLength);
                out.writeBytes(exchange.response(), 0, responseLength);
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
