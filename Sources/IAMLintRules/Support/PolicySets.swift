import IAMLintCore
import IAMLintModel

/// Helpers for rules that read each principal's policies taken together (IAM212, IAM215): which
/// principals hold the same policies, and a cheap test before the full reading.
enum PolicySets {
    /// A key that is equal for two principals' grant lists when they hold the same policy
    /// documents in the same order: a standalone policy by its index, a group's own policy by
    /// the group (`-1 - group`) and its position among that group's grants in `grants`. Nil when a grant is
    /// the principal's own inline policy (no other principal holds it).
    static func sharedKey(_ grants: GrantList) -> [Int]? {
        var key: [Int] = []
        var positionInGroup: [Int: Int] = [:]
        for grant in grants {
            var position = 0
            if let group = grant.viaGroup {
                position = positionInGroup[group, default: 0]
                positionInGroup[group] = position + 1
            }
            guard grant.document != nil else { continue }
            switch grant.source {
            case .standalone(let index):
                key.append(index)
            case .inline:
                guard let group = grant.viaGroup else { return nil }
                key += [-1 - group, position]
            case .arn:
                continue
            }
        }
        return key
    }

    /// Whether a set of policies holds an identity Allow that may cover one of `actions`: a test
    /// once per action text as written, before reading the statements with `ActionSets.covered`.
    struct ActionFilter {
        let actions: ActionSet
        private var known: [String: Bool] = [:]
        /// `mayAllow` and `mayMatter` of each document, by its storage: a managed
        /// or a group's policy is asked once for every principal that holds it. Documents are
        /// the graph's, so no identity is reused while the filter lives.
        private var allowingDocuments: [ObjectIdentifier: Bool] = [:]
        private var matteringDocuments: [ObjectIdentifier: Bool] = [:]
        /// The services of `actions` (lower-case bytes), when they are few: an action text whose
        /// service is written out (no wildcard) and is none of them stands for none of the
        /// actions, and is answered without hashing the text (`mayMeet`). Nil for a large set.
        private let services: [[UInt8]]?

        init(_ actions: ActionSet) {
            self.actions = actions
            if actions.count <= Self.maxPrefilteredActions {
                let names = Set(actions.actions.map(\.service))
                services = names.sorted().map { Array($0.utf8) }
            } else {
                services = nil
            }
        }

        /// Beyond this many actions, their services are not listed (each costs an `ActionInfo`).
        private static let maxPrefilteredActions = 512

        mutating func mayAllow(_ documents: [PolicyDocument]) -> Bool {
            for document in documents where mayAllow(document) { return true }
            return false
        }

        /// Whether one of the grants' documents may allow one of the actions.
        mutating func mayAllow(_ grants: GrantList) -> Bool {
            for position in grants.indices {
                guard let document = grants[position].document else { continue }
                // The principal's own inline policy is held by no other principal: it is read
                // without remembering it (most documents of an organisation are such).
                if case .inline = grants[position].source, grants[position].viaGroup == nil {
                    if document.statements.contains(where: { mayAllow($0) }) { return true }
                } else if mayAllow(document) {
                    return true
                }
            }
            return false
        }

        mutating func mayAllow(_ document: PolicyDocument) -> Bool {
            let key = document.copyIdentity
            if let known = allowingDocuments[key] { return known }
            let allows = document.statements.contains { mayAllow($0) }
            allowingDocuments[key] = allows
            return allows
        }

        /// Whether a document can change what a reading of these actions finds: it may allow
        /// one of them, or it holds a Deny (which may take away what another document allows).
        mutating func mayMatter(_ document: PolicyDocument) -> Bool {
            let key = document.copyIdentity
            if let known = matteringDocuments[key] { return known }
            let matters = document.statements.contains { $0.effect == .deny || mayAllow($0) }
            matteringDocuments[key] = matters
            return matters
        }

        /// Whether the statement is an identity Allow that may cover one of the actions.
        mutating func mayAllow(_ statement: Statement) -> Bool {
            guard ResourceScope.isIdentityAllow(statement) else { return false }
            if statement.isNotAction { return true }
            // By position: an action text is read in place, not copied.
            let texts = statement.actions
            for position in texts.indices {
                if !mayMeet(texts[position].value) { continue }
                if let hit = known[texts[position].value] {
                    if hit { return true }
                    continue
                }
                let hit = ActionSets.expand(texts[position]).intersects(actions)
                if !texts[position].isSymbolic { known[texts[position].value] = hit }
                if hit { return true }
            }
            return false
        }

        /// False when `text`'s service is written out without a wildcard and is none of the
        /// services of `actions`: a catalog expansion stays within its literal service (the
        /// service is compared with ASCII case folding, as the catalog does).
        private func mayMeet(_ text: String) -> Bool {
            guard let services else { return true }
            var text = text
            return text.withUTF8 { bytes in
                guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return true }
                // A wildcard, or a byte outside ASCII (the catalog compares such text as strings).
                for b in bytes[..<colon] where b == UInt8(ascii: "*") || b == UInt8(ascii: "?") || b >= 0x80 { return true }
                return services.contains { service in
                    guard service.count == colon else { return false }
                    for k in 0..<colon where service[k] != ASCII.lower(bytes[k]) { return false }
                    return true
                }
            }
        }
    }
}
