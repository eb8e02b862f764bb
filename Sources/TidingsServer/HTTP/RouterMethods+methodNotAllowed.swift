import HTTPTypes
import Hummingbird
import TidingsCore

extension RouterMethods {
    /// Answers `405` with `Allow` for the methods a path does not serve, so a wrong method
    /// is told apart from an unknown route.
    @discardableResult
    func rejectMethods(on path: RouterPath, except allowed: [HTTPRequest.Method]) -> Self {
        let names = allowed.map(\.rawValue)
        RouteCatalog.current?.add(path.description, methods: names)
        // No HEAD: it is routed as the GET it stands for (`HeadRequest`).
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .options, .trace]
            where !allowed.contains(method)
        {
            on(path, method: method) { _, _ -> Response in
                throw TidingsErrorResponse(.methodNotAllowed(allowed: names))
            }
        }
        return self
    }
}
