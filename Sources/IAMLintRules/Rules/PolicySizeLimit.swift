import IAMLintCore
import IAMLintModel

/// IAM219: a policy larger than AWS accepts, counted as AWS counts it (characters without white
/// space): a managed policy over 6,144; the inline policies of a user, group or role over
/// 2,048, 5,120 or 10,240 together. Values unknown until deployment are estimated (pseudo
/// parameters at their usual length, other placeholders as written) and the message says so.
public struct PolicySizeLimit: Rule {
    public static let code = "IAM219"
    public init() {}

    static let managedLimit = 6_144

    static func inlineLimit(_ kind: EntityKind) -> Int {
        switch kind {
        case .user: return 2_048
        case .group: return 5_120
        default: return 10_240
        }
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        var oversized = Set<String>()

        let kinds = graph.principalFacts.kinds
        // By position: each principal's inline policies are read in place, and a policy (its
        // name and document) is copied only for a finding.
        for index in kinds.indices {
            let limit = Self.inlineLimit(kinds[index])
            let inline = graph.principals[index].inlinePolicies
            for position in inline.indices {
                guard let size = PolicySize.measure(inline[position].document), size.count > limit else { continue }
                let policy = inline[position]
                let principal = graph.principals[index]
                oversized.insert(Self.key(policy.document))
                findings.append(context.finding(
                    Message.inlineTooLarge(policy: "inline policy '\(policy.name)' of \(graph.describe(index))", size: size, limit: limit, holder: principal.kind),
                    at: policy.document.provenance, subject: "\(principal.displayName) \(policy.name)"))
            }
        }
        for policy in graph.policies {
            guard let size = PolicySize.measure(policy.document) else { continue }
            if policy.isManaged {
                guard size.count > Self.managedLimit else { continue }
                findings.append(context.finding(
                    Message.managedTooLarge(policy: policy.displayName, size: size, limit: Self.managedLimit),
                    at: policy.document.provenance, subject: policy.displayName))
                continue
            }
            let targets: [(kind: EntityKind, refs: [Reference])] = [(.user, policy.users), (.group, policy.groups), (.role, policy.roles)]
            let holders = targets.filter { !$0.refs.isEmpty }.map(\.kind)
            guard let kind = holders.first, size.count > Self.inlineLimit(kind) else { continue }
            oversized.insert(Self.key(policy.document))
            findings.append(context.finding(
                Message.inlineTooLarge(policy: "policy '\(policy.displayName)'", size: size, limit: Self.inlineLimit(kind), holder: kind),
                at: policy.document.provenance, subject: policy.displayName))
        }

        for index in kinds.indices {
            // The documents are counted first: most principals hold at most one of their own,
            // and no list is made for them.
            let inline = graph.principals[index].inlinePolicies
            let grants = graph.grants[index]
            var held = inline.count
            for position in grants.indices where grants[position].viaGroup == nil {
                if case .standalone(let i) = grants[position].source, grants[position].document != nil, !graph.policies[i].isManaged { held += 1 }
            }
            guard held > 1 else { continue }
            let principal = graph.principals[index]
            // The documents first; their labels are spelt only for a finding.
            var documents = inline.map(\.document)
            var standalone: [Int] = []
            for position in grants.indices where grants[position].viaGroup == nil {
                if case .standalone(let i) = grants[position].source, !graph.policies[i].isManaged, let document = grants[position].document {
                    documents.append(document)
                    standalone.append(position)
                }
            }
            guard documents.count > 1, oversized.isEmpty || !documents.contains(where: { oversized.contains(Self.key($0)) }) else { continue }
            let sizes = documents.compactMap { PolicySize.measure($0) }
            let total = PolicySize(count: sizes.reduce(0) { $0 + $1.count }, estimated: sizes.contains(where: \.estimated))
            let limit = Self.inlineLimit(kinds[index])
            guard total.count > limit else { continue }
            let labels = inline.map { "inline policy '\($0.name)'" } + standalone.map { grants[$0].label }
            findings.append(context.finding(
                Message.aggregateTooLarge(holder: graph.describe(index), count: documents.count, size: total, limit: limit),
                at: principal.provenance, subject: principal.displayName,
                related: zip(documents, labels).map { RelatedLocation(location: $0.provenance.location, message: $1) }))
        }
        return findings
    }

    static func key(_ document: PolicyDocument) -> String {
        let p = document.provenance
        return "\(p.file)|\(p.logicalPath)|\(p.range.start.line):\(p.range.start.column)"
    }

    enum Message {
        static func inlineTooLarge(policy: String, size: PolicySize, limit: Int, holder: EntityKind) -> String {
            "\(policy) is \(size.text) characters without white space, over the \(PolicySize.grouped(limit)) AWS allows for the inline policies of a \(holder.rawValue)"
        }

        static func managedTooLarge(policy: String, size: PolicySize, limit: Int) -> String {
            "managed policy '\(policy)' is \(size.text) characters without white space, over the \(PolicySize.grouped(limit)) AWS allows for a managed policy"
        }

        static func aggregateTooLarge(holder: String, count: Int, size: PolicySize, limit: Int) -> String {
            "the \(count) inline policies of \(holder) total \(size.text) characters without white space, over the \(PolicySize.grouped(limit)) AWS allows together"
        }
    }
}

/// The size of a policy as IAM counts it against its quotas: the characters of its JSON text,
/// white space excluded.
struct PolicySize {
    var count: Int
    /// True when part of the text is unknown until deployment and was estimated.
    var estimated: Bool

    /// `6,200` or `about 6,200`.
    var text: String { (estimated ? "about " : "") + Self.grouped(count) }

    static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        return String(digits)
    }

    /// The document's size, as the parser measured it: its JSON text as written when it is a
    /// string (Terraform), else the resolved value serialised as minified JSON. Nil when the
    /// whole document is unknown (or it was built in code).
    static func measure(_ document: PolicyDocument) -> PolicySize? {
        document.size.map { PolicySize(count: $0.count, estimated: $0.estimated) }
    }
}
