import Hummingbird
import Logging

/// The request context of every route: only per-request identity, set by `AuthMiddleware`.
public struct TidingsRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, once `AuthMiddleware` has run.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = nil
    }
}

/// The context of authenticated routes: a caller is guaranteed.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let caller: Caller

    public init(context: TidingsRequestContext) throws {
        guard let caller = context.caller else { throw TidingsErrorResponse(.unauthorized("Not authenticated.")) }
        self.coreContext = context.coreContext
        self.caller = caller
    }
}
