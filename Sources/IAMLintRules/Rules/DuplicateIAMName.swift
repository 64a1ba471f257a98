import IAMLintCore
import IAMLintModel

/// IAM401: two users, groups, roles, managed policies or instance profiles with the same name in
/// one account. IAM names are unique per account and compared ignoring case.
public struct DuplicateIAMName: Rule {
    public static let code = "IAM401"
    public init() {}

    struct Named {
        var account: String
        var kind: EntityKind
        var name: PolicyText
        var provenance: Provenance
    }

    /// Names clash within one account, kind and scope (the file, for symbolic names).
    struct Key: Hashable {
        var account: String
        var kind: EntityKind
        var scope: String
        var name: String
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var named: [Named] = []
        for (index, p) in graph.principals.enumerated() where p.implicitOrigin == nil {
            if let name = p.explicitName {
                named.append(Named(account: graph.accountID(of: index) ?? "", kind: p.kind, name: name, provenance: p.provenance))
            }
        }
        for policy in graph.policies where policy.isManaged {
            if let name = policy.explicitName {
                named.append(Named(account: graph.accountID(ofFile: policy.provenance.file) ?? "", kind: .managedPolicy, name: name, provenance: policy.provenance))
            }
        }
        for profile in graph.instanceProfiles {
            if let name = profile.explicitName {
                named.append(Named(account: graph.accountID(ofFile: profile.provenance.file) ?? "", kind: .instanceProfile, name: name, provenance: profile.provenance))
            }
        }
        named.sort { a, b in
            if a.provenance.file != b.provenance.file { return a.provenance.file < b.provenance.file }
            return a.name.range.start < b.name.range.start
        }
        // The first entry of each key, by position in `named`.
        var first: [Key: Int] = [:]
        first.reserveCapacity(named.count)
        var findings: [Finding] = []
        for (position, entry) in named.enumerated() {
            // A name with deployment-time parts (`${AWS::StackName}-app`) is only known to clash
            // with the same text in the same template, which deploys as one stack.
            let scope = entry.name.isSymbolic ? entry.provenance.file : ""
            let key = Key(account: entry.account, kind: entry.kind, scope: scope, name: entry.name.value.lowercased())
            // One look-up for a name seen first (nearly all): the entry is put back on a clash.
            guard let originalPosition = first.updateValue(position, forKey: key) else { continue }
            first[key] = originalPosition
            let original = named[originalPosition]
            let at = Provenance(file: entry.provenance.file, logicalPath: entry.provenance.logicalPath, range: entry.name.range)
            findings.append(context.finding(
                Message.duplicate(kind: entry.kind, name: entry.name.value, original: original.name.value, file: original.provenance.file),
                at: at, subject: "\(entry.kind.rawValue) \(entry.name.value.lowercased())",
                related: [RelatedLocation(
                    location: SourceLocation(file: original.provenance.file, range: original.name.range),
                    message: "\(entry.kind.rawValue) '\(original.name.value)' first defined here")]))
        }
        return findings
    }

    enum Message {
        static func duplicate(kind: EntityKind, name: String, original: String, file: String) -> String {
            "\(kind.rawValue) name '\(name)' is already used by \(kind.rawValue) '\(original)' in \(file); IAM names are unique per account, ignoring case"
        }
    }
}
