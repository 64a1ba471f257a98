import IAMLintCore
import IAMLintModel

/// Helpers for rules that read each principal's policies taken together (IAM212, IAM215): which
/// principals hold the same policies, and a cheap test before the full reading.
enum PolicySets {
    /// A key that is equal for two principals' grant lists when they hold the same policy
    /// documents in the same order: a standalone policy by its index, a group's own policy by
    /// the group (`-1 - group`) and its position among that group's grants in `grants`. Nil when a grant is
    /// the principal's own inline policy (no other principal holds it).
    static func sharedKey(_ grants: [Grant]) -> [Int]? {
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

        init(_ actions: ActionSet) {
            self.actions = actions
        }

        mutating func mayAllow(_ documents: [PolicyDocument]) -> Bool {
            for document in documents where mayAllow(document) { return true }
            return false
        }

        /// Whether one of the grants' documents may allow one of the actions.
        mutating func mayAllow(_ grants: [Grant]) -> Bool {
            for position in grants.indices {
                if let document = grants[position].document, mayAllow(document) { return true }
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
            for text in statement.actions {
                if let hit = known[text.value] {
                    if hit { return true }
                    continue
                }
                let hit = ActionSets.expand(text).intersects(actions)
                if !text.isSymbolic { known[text.value] = hit }
                if hit { return true }
            }
            return false
        }
    }
}
