import Foundation
import HTTPTypes
import Hummingbird
import TidingsAPI
import TidingsCore

/// A catalogue error in its HTTP form: the JSON body of API.md section 8.
struct TidingsErrorResponse: HTTPResponseError {
    let error: TidingsError

    init(_ error: TidingsError) { self.error = error }

    var status: HTTPResponse.Status { .init(code: error.status) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headerFields, body: .init(byteBuffer: body))
    }

    var headerFields: HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return headers
    }

    var body: ByteBuffer {
        ByteBuffer(bytes: (try? JSONEncoder.wire.encode(ErrorResponse(code: error.code, message: error.message))) ?? Data())
    }
}

extension TidingsError {
    /// The catalogue error for an error Hummingbird raised itself.
    init(httpError: HTTPError) {
        switch httpError.status.code {
        case 404: self = .routeNotFound
        case 413: self = .bodyTooLarge(limit: ServerConfiguration.maxBodyBytes)
        case 405: self = .methodNotAllowed(allowed: [])
        default:
            self.init(
                status: httpError.status.code, code: httpError.status.reasonPhrase.lowercased()
                    .replacingOccurrences(of: " ", with: "_"),
                message: httpError.body ?? httpError.status.reasonPhrase)
        }
    }
}
