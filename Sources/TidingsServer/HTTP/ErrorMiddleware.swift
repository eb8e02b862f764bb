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
        } catch let error as TidingsErrorResponse {
            return try error.response(from: request, context: context)
        } catch let error as TidingsError {
            return try TidingsErrorResponse(error).response(from: request, context: context)
        } catch let error as HTTPError {
            return try TidingsErrorResponse(TidingsError(httpError: error)).response(from: request, context: context)
        } catch {
            context.logger.error(
                "request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try TidingsErrorResponse(.internalError).response(from: request, context: context)
        }
    }
}
