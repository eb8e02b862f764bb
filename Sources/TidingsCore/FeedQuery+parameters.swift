extension FeedQuery {
    /// Builds a query from the URL parameters of a feed read (API.md section 5), throwing
    /// a `400` that names the offending parameter.
    public init(feed: FeedKey, parameters: [String: String]) throws(TidingsError) {
        self.init(feed: feed)
        if let text = parameters["page_size"] {
            guard let size = Int(text), (1...Self.maxPageSize).contains(size) else {
                throw .invalidParameter("page_size", "page_size must be an integer from 1 to \(Self.maxPageSize).")
            }
            pageSize = size
        }
        status = try Self.choice(parameters, "status", default: .all)
        scope.archived = try Self.choice(parameters, "archived", default: .exclude)
        if let source = parameters["source"] {
            guard !source.isEmpty, source.utf8.count <= 256 else {
                throw .invalidParameter("source", "source must be 1-256 bytes.")
            }
            scope.source = source
        }
        scope.tenant = try Self.tenantScope(parameters)
        markSeen = try Self.boolean(parameters, "mark_seen") ?? true
        position = try Self.position(parameters, feed: feed)
    }

    private static func position(_ parameters: [String: String], feed: FeedKey) throws(TidingsError) -> PagePosition {
        switch (parameters["after"], parameters["before"]) {
        case (.some, .some): throw .conflictingCursors
        case (.some(let after), nil): .olderThan(try FeedCursor.decode(after, kind: .message, feed: feed).position)
        case (nil, .some(let before)): .newerThan(try FeedCursor.decode(before, kind: .message, feed: feed).position)
        case (nil, nil): .newest
        }
    }

    private static func tenantScope(_ parameters: [String: String]) throws(TidingsError) -> TenantScope {
        let tenant = parameters["tenant"]
        if let tenant, tenant.isEmpty || tenant.utf8.count > 256 {
            throw .invalidParameter("tenant", "tenant must be 1-256 bytes.")
        }
        switch (tenant, try boolean(parameters, "has_tenant")) {
        case (nil, nil): return .any
        case (let tenant?, nil): return .tenantOrUntenanted(tenant)
        case (let tenant?, true?): return .only(tenant)
        case (.some, false?):
            throw .invalidParameter("has_tenant", "has_tenant=false cannot be combined with tenant.")
        case (nil, true?): return .anyTenant
        case (nil, false?): return .untenanted
        }
    }

    static func boolean(_ parameters: [String: String], _ name: String) throws(TidingsError) -> Bool? {
        switch parameters[name] {
        case nil: nil
        case "true": true
        case "false": false
        default: throw .invalidParameter(name, "\(name) must be true or false.")
        }
    }

    static func choice<Value: RawRepresentable & CaseIterable>(
        _ parameters: [String: String], _ name: String, default value: Value
    ) throws(TidingsError) -> Value where Value.RawValue == String {
        guard let text = parameters[name] else { return value }
        guard let parsed = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidParameter(name, "\(name) must be one of: \(allowed).")
        }
        return parsed
    }
}
