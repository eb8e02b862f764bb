import NIOCore
import NIOPosix
import Testing

@testable import TidingsServer

/// Hummingbird's connection tasks prefer their loop's executor (`HTTPServer`); every request
/// of the suites goes through it. This checks where the jobs run.
@Suite("Connection tasks on their event loop")
struct EventLoopExecutorTests {
    @Test("a task that prefers a loop's executor runs there, also after awaits that leave it")
    func jobsRunOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let other = group.next()
        let executor = EventLoopExecutor(loop)
        let onLoop = await Task(executorPreference: executor) {
            var onLoop = [loop.inEventLoop]
            // A child task on the global executor, and a future completed on another loop.
            await Task.detached { #expect(!loop.inEventLoop) }.value
            onLoop.append(loop.inEventLoop)
            let value = try? await other.submit { other.inEventLoop }.get()
            onLoop.append(loop.inEventLoop && value == true)
            return onLoop
        }.value
        #expect(onLoop == [true, true, true])
        try await group.shutdownGracefully()
    }

    @Test("jobs from many tasks run on the loop, each once")
    func manyTasks() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EventLoopExecutor(loop)
        let results = await withTaskGroup(of: Bool.self) { tasks in
            for _ in 0..<200 {
                tasks.addTask(executorPreference: executor) {
                    await Task.yield()
                    return loop.inEventLoop
                }
            }
            return await tasks.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
        try await group.shutdownGracefully()
    }
}
