import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import TidingsCore

/// The ends of a poll-lane connection: closing, errors, and the hand-over to Hummingbird.
extension PollLaneHandler {
    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .handedOff:
            context.fireChannelInactive()
            return
        case .parked(let poll):
            lane.hub.release(poll.ticket)
        default:
            break
        }
        state = .closed
        if !setupCompleted {
            setupCompleted = true
            promise.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Bytes after the decoder failed, or after the last answer (the output is closed and
        // the rest is read to its end): dropped, not a reason to reset the connection.
        let decoding = error is HTTPParserError || error is ByteToMessageDecoderError
        if decoding, parseError != nil || state.isClosed { return }
        guard case .handedOff = state else {
            // A malformed request: answer 400 and close. A broken head gets Hummingbird's bare
            // answer; a poll whose body broke HTTP framing gets the catalogue's, as any route.
            let (head, body): (HTTPResponse, ByteBuffer)
            switch (error is HTTPParserError, state) {
            case (true, .idle): (head, body) = (HTTPResponse(status: .badRequest), ByteBuffer())
            case (true, .reading): (head, body) = ResponseParts.error(TidingsError.malformedBody)
            case (true, .running):
                parseError = error  // bytes after a poll being answered: its answer goes first
                return
            case (true, .parked(let poll)):
                parseError = error
                answerAsIs(poll, channel: context.channel)
                return
            default:
                context.close(promise: nil)
                return
            }
            closeAfterResponse = true
            write(head, body: body, context: context)
            return
        }
        context.fireErrorCaught(error)
    }

    /// Gives the connection to Hummingbird: its connection-state handler and async channel
    /// go in after this handler, receive what was buffered, and this handler leaves.
    func handOff(startingWith parts: [HTTPRequestPart], context: ChannelHandlerContext) {
        state = .handedOff
        setupCompleted = true
        let value: HTTP1Channel.Value
        do {
            value = try handoff(context.channel)
        } catch {
            promise.fail(error)
            context.close(promise: nil)
            return
        }
        for part in parts + pending { context.fireChannelRead(wrapInboundOut(part)) }
        pending = []
        context.fireChannelReadComplete()
        // What the lane learned while it held the parts, Hummingbird learns after them.
        if inputEnded { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        if let parseError { context.fireErrorCaught(parseError) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        promise.succeed(value)
    }
}
