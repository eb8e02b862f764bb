import NIOCore

/// A task executor (SE-0417) that runs jobs on one NIO event loop. Hummingbird's connection
/// tasks (`HTTPServer`) and the poll lane's routing tasks (`PollLaneHandler`) prefer the
/// executor of their channel's loop, so a request's parts, its handler and its answer stay
/// on the thread that owns the socket.
///
/// Without it, every request crossed threads twice: the loop resumed the connection's task
/// on the cooperative pool, and the pool handed the answer back to the loop, each a wake-up
/// of a sleeping thread. A feed page, read inline (`AppDatabase.snapshotRead`), then costs
/// no hand-over at all (BENCHMARKS.md, run AK). A handler's awaits that leave the loop (the
/// writer's queue, GRDB's readers) resume here.
///
/// NIO's loops are serial executors of their own (`NIOSerialEventLoopExecutor`) but not task
/// executors, which is what a preference needs; the job is run the same way.
final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
