import RuralstatModel

/// Who may report for which regions: a sender may report only for its own subtree.
public struct Jurisdiction: Sendable, Hashable, CustomStringConvertible {
    /// The sender as named in the message header or the pipeline.
    public let sender: String
    /// The root of the subtree the sender reports for (`RegionCode.national` for the bureau itself).
    public let root: RegionCode

    public init(sender: String, root: RegionCode) {
        self.sender = sender
        self.root = root
    }

    /// Resolves a sender id: an explicit mapping first, else the digits it ends with
    /// (`CN_441900` → 441900000000), else `nil` (an unknown sender).
    public static func resolve(sender: String, mapping: [String: RegionCode] = [:]) -> Jurisdiction? {
        if let root = mapping[sender] { return Jurisdiction(sender: sender, root: root) }
        guard let root = RegionCode(senderID: sender) else { return nil }
        return Jurisdiction(sender: sender, root: root)
    }

    public var description: String { "\(sender) (\(root == .national ? "national" : root.description))" }
}
