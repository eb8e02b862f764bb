import NIOCore
import Synchronization

/// One value per event loop of a group, made the first time a loop asks for it: what a
/// connection shares with the others of its loop, looked up once per connection.
final class PerEventLoop<Value: Sendable>: Sendable {
    private let make: @Sendable (any EventLoop) -> Value
    private let byLoop = Mutex<[ObjectIdentifier: Value]>([:])

    init(_ make: @escaping @Sendable (any EventLoop) -> Value) {
        self.make = make
    }

    /// The value of `eventLoop`, made on the calling thread if it is the first asked for.
    func value(for eventLoop: any EventLoop) -> Value {
        byLoop.withLock { byLoop in
            if let value = byLoop[ObjectIdentifier(eventLoop)] { return value }
            let value = make(eventLoop)
            byLoop[ObjectIdentifier(eventLoop)] = value
            return value
        }
    }
}
