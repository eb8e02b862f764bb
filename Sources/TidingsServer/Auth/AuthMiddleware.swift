import Hummingbird
import TidingsCore

/// Authenticates every `/v1` request before it is routed further.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TidingsRequestContext
    let authenticator: Authenticator

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        do {
            context.caller = try await authenticator.authenticate(authorization: request.headers[.authorization])
        } catch {
            throw TidingsErrorResponse(error)
        }
        return try await next(request, context)
    }
}
