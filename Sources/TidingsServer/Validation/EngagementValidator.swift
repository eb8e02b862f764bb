import Foundation
import TidingsAPI
import TidingsCore
import TidingsStore

/// Checks the bodies of engagement calls: interaction metadata, batch ids, bulk filters.
enum EngagementValidator {
    static let maxMetadataKeys = 5
    static let maxBatchIDs = 1000
    static let maxFilterValues = 1000

    /// `{"metadata": {…}}`: at most 5 keys with string, number or boolean values, encoded.
    static func metadataJSON(_ value: JSONValue?) throws(TidingsError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .object(let fields)?
        where fields.count <= maxMetadataKeys && fields.values.allSatisfy(\.isFlatScalar):
            return try CreateMessagesValidator.encode(value, field: "metadata")
        default:
            throw .invalidField(
                "metadata", "metadata must be an object of at most \(maxMetadataKeys) string, number or boolean values.")
        }
    }

    /// `{"message_ids": [...]}` with 1–1000 strings.
    static func messageIDs(_ body: JSONValue) throws(TidingsError) -> [String] {
        guard let items = body["message_ids"]?.arrayValue, (1...maxBatchIDs).contains(items.count) else {
            throw .invalidField("message_ids", "message_ids must be an array of 1-\(maxBatchIDs) message ids.")
        }
        var ids = [String]()
        for item in items {
            guard let id = item.stringValue else { throw .invalidField("message_ids", "Each message id must be a string.") }
            ids.append(id)
        }
        return ids
    }

    /// The filter of a bulk operation; `recipient_ids` is a synonym of `user_ids`.
    static func bulkFilter(_ body: JSONValue) throws(TidingsError) -> BulkFilter {
        guard let fields = body.objectValue else { throw .invalidField("body", "The body must be a JSON object.") }
        var filter = BulkFilter()
        let named = [fields["user_ids"], fields["recipient_ids"]].compactMap { $0 }.filter { $0 != .null }
        // Both names at once is ambiguous: one of them would be ignored, perhaps the narrower.
        guard named.count < 2 else {
            throw .invalidField("user_ids", "Give user_ids or its synonym recipient_ids, not both.")
        }
        if let users = named.first {
            filter.userIDs = try strings(users, field: "user_ids")
            guard filter.userIDs?.allSatisfy(Identifiers.isValidUserID) == true else {
                throw .invalidField("user_ids", "user_ids must hold valid user ids.")
            }
        }
        if let status = fields["engagement_status"], status != .null {
            guard let parsed = status.stringValue.flatMap({ EngagementAction(rawValue: $0) }) else {
                throw .invalidField(
                    "engagement_status", "engagement_status must be seen, unseen, read, unread, archived, unarchived or interacted.")
            }
            filter.engagementStatus = parsed
        }
        if let archived = fields["archived"], archived != .null {
            guard let text = archived.stringValue, ArchivedScope(rawValue: text) != nil else {
                throw .invalidField("archived", "archived must be exclude, include or only.")
            }
            filter.archived = text
        }
        if let tenants = fields["tenants"], tenants != .null { filter.tenants = try strings(tenants, field: "tenants") }
        if let sources = fields["sources"], sources != .null { filter.sources = try strings(sources, field: "sources") }
        switch fields["has_tenant"] {
        case nil, .null?: break
        case .bool(let flag)?: filter.hasTenant = flag
        default: throw .invalidField("has_tenant", "has_tenant must be true or false.")
        }
        if filter.hasTenant == false, filter.tenants != nil {
            throw .invalidField("has_tenant", "has_tenant: false cannot be combined with tenants.")
        }
        filter.olderThan = try time(fields["older_than"], field: "older_than")
        filter.newerThan = try time(fields["newer_than"], field: "newer_than")
        return filter
    }

    private static func strings(_ value: JSONValue, field: String) throws(TidingsError) -> [String] {
        guard let items = value.arrayValue, items.count <= maxFilterValues else {
            throw .invalidField(field, "\(field) must be an array of at most \(maxFilterValues) strings.")
        }
        var values = [String]()
        for item in items {
            guard let text = item.stringValue else { throw .invalidField(field, "\(field) must hold strings.") }
            values.append(text)
        }
        return values
    }

    private static func time(_ value: JSONValue?, field: String) throws(TidingsError) -> Int64? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let instant = Timestamp(rfc3339: text) else { break }
            return instant.milliseconds
        default: break
        }
        throw .invalidField(field, "\(field) must be an RFC 3339 time, e.g. 2026-11-23T00:00:00Z.")
    }
}

extension JSONValue {
    var isFlatScalar: Bool {
        switch self {
        case .string, .integer, .number, .bool: true
        default: false
        }
    }
}
