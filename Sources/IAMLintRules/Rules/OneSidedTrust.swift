import IAMLintCore
import IAMLintModel

/// IAM111: a principal's policy allows `sts:AssumeRole` on a role that the repository defines and
/// names exactly, but the role's trust policy admits neither that principal, nor its account, nor
/// anyone: the call always fails. Usually a typo in one of the two policies, or a trust that was
/// narrowed without the grant. Trusts that may admit the principal (unconfigured accounts,
/// parameters, conditions) are left alone.
public struct OneSidedTrust: Rule {
    public static let code = "IAM111"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        var seen = Set<Int64>()
        // Each role's ARN as a key (`ARNKey`), worked out when a statement that names a resource
        // without a wildcard first reaches it (most edges come from patterns, which never name a
        // role exactly); 0 until then. The ARN itself is spelt again only for a pair whose trust
        // refuses the caller: an organisation's roles kept no string each for the rule's run.
        var roleKeys = [UInt64](repeating: 0, count: graph.principals.count)
        // The keys of each statement's resources written without a wildcard, by statement, for
        // the statements that have some; edges come grouped by caller, so the previous edge's
        // statement is tried first. A statement without any (most: patterns) is not kept: it is
        // met again only through a policy that several callers share, and telling that its
        // resources all have a wildcard again allocates nothing.
        var literals: [ObjectIdentifier: [UInt64]] = [:]
        var lastStatement: ObjectIdentifier?
        var lastLiterals: [UInt64] = []
        let facts = graph.principalFacts
        let edges = graph.assumeEdges
        // By position, the statement's identity read in place: most edges are ruled out by
        // their statement's literals without holding the statement.
        for position in edges.indices {
            let identity = edges[position].statement.copyIdentity
            if identity != lastStatement {
                lastStatement = identity
                if let known = literals[identity] {
                    lastLiterals = known
                } else {
                    lastLiterals = Self.literalKeys(edges[position].statement)
                    if !lastLiterals.isEmpty { literals[identity] = lastLiterals }
                }
            }
            guard !lastLiterals.isEmpty else { continue }
            let to = edges[position].role
            if roleKeys[to] == 0 { roleKeys[to] = ARNKey.ofRole(graph.arn(of: to)) }
            let roleKey = roleKeys[to]
            // The keys are compared first (equal texts have matching keys; `namedResource`
            // compares the texts themselves); whether one resolves to the role (a look-up in the
            // graph's indexes) is asked only for pairs whose trust refuses the caller.
            guard lastLiterals.contains(where: { ARNKey.mayName($0, role: roleKey) }) else { continue }
            let from = edges[position].from
            let statement = edges[position].statement
            let role = graph.principals[to]
            guard let trust = role.trustPolicy else { continue }
            let pair = Int64(from) << 32 | Int64(to)
            guard !seen.contains(pair) else { continue }
            // The admission depends only on the pair: one that the trust may admit has no
            // finding on any of its edges, and is not weighed again.
            guard !graph.trustMayAdmit(from, to: to, facts: facts) else {
                seen.insert(pair)
                continue
            }
            guard let named = namedResource(statement, role: to, arns: Self.arnForms(role: to, graph: graph), graph: graph) else { continue }
            seen.insert(pair)
            findings.append(context.finding(
                Message.oneSided(caller: graph.describe(from), role: role.displayName),
                at: statement.provenance(ofResource: named), subject: graph.principals[from].displayName,
                related: [RelatedLocation(location: trust.provenance.location, message: "trust policy of role '\(role.displayName)'")]))
        }
        return findings
    }

    /// The resource of the statement that names the role exactly: no wildcard, the role's ARN (a
    /// symbolic one only within the role's file).
    /// `arns`: the role's ARN, and its `arn:aws:` form when the partition is a placeholder.
    func namedResource(_ statement: Statement, role: Int, arns: [String], graph: IAMGraph) -> PolicyText? {
        guard !statement.isNotResource else { return nil }
        return statement.resources.first { text in
            Self.spells(text, arns) && graph.resolve(text, kind: .role, from: statement.provenance.file).contains(role)
        }
    }

    /// The keys (`ARNKey.ofLiteral`) of the resources of the statement (not `NotResource`)
    /// written without a wildcard: a text `spells` a role's ARN only when it is one of these.
    static func literalKeys(_ statement: Statement) -> [UInt64] {
        guard !statement.isNotResource else { return [] }
        return statement.resources.compactMap { Wildcards.contains($0.value) ? nil : ARNKey.ofLiteral($0.value) }
    }

    /// True when the text is one of `arns` and has no wildcard.
    static func spells(_ text: PolicyText, _ arns: [String]) -> Bool {
        arns.contains(text.value) && !Wildcards.contains(text.value)
    }

    static func arnForms(role: Int, graph: IAMGraph) -> [String] {
        let arn = graph.arn(of: role)
        if arn.hasPrefix(ARNKey.placeholder) { return [arn, "arn:aws:" + arn.dropFirst(ARNKey.placeholder.count)] }
        return [arn]
    }

    /// A text's key for telling a role's ARN forms (`arnForms`) from a resource that cannot be
    /// one of them, without keeping the forms: a hash (`FNV1a.mixWords`) of the text's bytes in
    /// its `arn:aws:` spelling, its lowest bit telling whether the text was written with the
    /// `${AWS::Partition}` placeholder; `unknown` for a text that is not all ASCII (only ASCII
    /// strings are equal exactly when their bytes are). A resource equal to one of a role's forms
    /// always `mayName` the role; the converse is settled by comparing the texts.
    enum ARNKey {
        static let placeholder = "arn:${AWS::Partition}:"

        /// The key of a text that is not all ASCII: it may name any role.
        static let unknown: UInt64 = 1

        /// The key of a role's ARN (never 0, which marks a role not yet keyed).
        static func ofRole(_ arn: String) -> UInt64 { of(arn) }

        /// The key of a resource written without a wildcard.
        static func ofLiteral(_ text: String) -> UInt64 { of(text) }

        /// Whether a resource with key `literal` may be one of the forms of a role with key
        /// `role`: the same text in its `arn:aws:` spelling, and written with the placeholder
        /// only when the role's ARN is (its `arn:aws:` form is spelt for it too).
        static func mayName(_ literal: UInt64, role: UInt64) -> Bool {
            if literal == unknown || role == unknown { return true }
            return (literal | 1) == (role | 1) && (literal & 1 == 0 || role & 1 == 1)
        }

        private static func of(_ text: String) -> UInt64 {
            var text = text
            return text.withUTF8 { bytes -> UInt64 in
                var hash = FNV1a()
                var rest = bytes
                let written = bytes.count >= placeholderBytes.count && bytes.prefix(placeholderBytes.count).elementsEqual(placeholderBytes)
                if written {
                    // `arn:aws:` is one word of `mixWords`: the rest is mixed from the same
                    // offset as in the text written that way.
                    awsPrefixBytes.withUnsafeBufferPointer { hash.mixWords($0) }
                    rest = UnsafeBufferPointer(rebasing: bytes[placeholderBytes.count...])
                }
                guard hash.mixASCIIWords(rest) else { return unknown }
                // Never 0 (a role not yet keyed) nor `unknown`.
                let value = hash.value & ~1
                return (value == 0 ? 2 : value) | (written ? 1 : 0)
            }
        }

        private static let placeholderBytes = Array(placeholder.utf8)
        private static let awsPrefixBytes = Array("arn:aws:".utf8)
    }

    enum Message {
        static func oneSided(caller: String, role: String) -> String {
            "\(caller) may assume role '\(role)', but the role's trust policy does not admit it"
        }
    }
}
