import Hummingbird
import Logging
import TidingsCore

/// Turns every error into the JSON error body: catalogue errors as they are, Hummingbird's
/// own (unknown route, body too large) into catalogue errors, and anything unexpected into
/// a logged `500` without detail for the client.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let closing as ClosingConnection {
            var response = try Self.response(to: closing.error, request: request, context: context)
            response.headers[.connection] = "close"
            return response
        } catch {
            return try Self.response(to: error, request: request, context: context)
        }
    }

    private static func response(to error: any Error, request: Request, context: Context) throws -> Response {
        switch error {
        case let error as TidingsErrorResponse:
            return try error.response(from: request, context: context)
        case let error as TidingsError:
            return try TidingsErrorResponse(error).response(from: request, context: context)
        case let error as HTTPError:
            return try TidingsErrorResponse(TidingsError(httpError: error)).response(from: request, context: context)
        case is CancellationError:
            // The client went away while its request waited: nobody reads this answer.
            context.logger.debug("client went away", metadata: ["path": "\(request.uri.path)"])
            return try TidingsErrorResponse(.internalError).response(from: request, context: context)
        default:
            context.logger.error(
                "request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try TidingsErrorResponse(.internalError).response(from: request, context: context)
        }
    }
}

/// An error whose answer ends its connection: said with `Connection: close`, so the client
/// sends no next request on a connection that is about to close.
struct ClosingConnection: Error {
    let error: any Error
}
