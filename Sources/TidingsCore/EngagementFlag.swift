/// An engagement status. Flags are independent: any combination may hold at once.
public enum EngagementFlag: String, Sendable, CaseIterable {
    case seen, read, interacted, archived
    case linkClicked = "link_clicked"

    /// The name of the flag's timestamp field and column (`seen_at`, …).
    public var timestampField: String { "\(rawValue)_at" }
}
