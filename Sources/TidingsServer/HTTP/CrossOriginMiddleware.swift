import HTTPTypes
import Hummingbird

/// CORS for browser frontends on other origins, off unless origins are configured
/// (`--cors-origin`). Hummingbird's `CORSMiddleware` answers preflights and adds the headers;
/// this wrapper applies it only to the configured origins (or any, for `*`) and exposes the
/// headers a frontend reads (`Retry-After` on `429`/`503`, `Idempotent-Replayed`) on answers,
/// where browsers look for them. Credentials are bearer tokens, never cookies, so no
/// `Access-Control-Allow-Credentials`.
struct CrossOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The origins served; `nil` serves any origin.
    let origins: Set<String>?
    private let cors = CORSMiddleware<Context>(
        allowOrigin: .originBased,
        allowHeaders: [.accept, .authorization, .contentType, HTTPField.Name("Idempotency-Key")!],
        allowMethods: [.get, .post, .put, .delete, .options],
        exposedHeaders: Self.exposed, maxAge: .seconds(600))
    static var exposed: [String] { ["Retry-After", "Idempotent-Replayed", "WWW-Authenticate"] }
    /// `exposed` as the header's value, joined once rather than for every answer.
    private let exposedValue = Self.exposed.joined(separator: ", ")

    /// `configured` as given to `--cors-origin`: `*` for any origin, else exact origins.
    init(configured: [String]) {
        origins = configured.contains("*") ? nil : Set(configured)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], origins?.contains(origin) ?? true else {
            // Answers differ by origin, so say so on every one: a shared cache must not hand
            // one without CORS headers to an allowed origin.
            var response = try await next(request, context)
            response.headers[values: .vary].append("Origin")
            return response
        }
        var response = try await cors.handle(request, context: context, next: next)
        if request.method != .options {
            response.headers[.accessControlExposeHeaders] = exposedValue
        }
        return response
    }
}
