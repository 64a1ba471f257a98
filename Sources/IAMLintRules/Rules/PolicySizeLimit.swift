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

        for (index, principal) in graph.principals.enumerated() {
            let limit = Self.inlineLimit(principal.kind)
            for policy in principal.inlinePolicies {
                guard let size = PolicySize.measure(policy.document), size.count > limit else { continue }
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
            let kinds = targets.filter { !$0.refs.isEmpty }.map(\.kind)
            guard let kind = kinds.first, size.count > Self.inlineLimit(kind) else { continue }
            oversized.insert(Self.key(policy.document))
            findings.append(context.finding(
                Message.inlineTooLarge(policy: "policy '\(policy.displayName)'", size: size, limit: Self.inlineLimit(kind), holder: kind),
                at: policy.document.provenance, subject: policy.displayName))
        }

        for (index, principal) in graph.principals.enumerated() {
            var parts: [(label: String, document: PolicyDocument)] = principal.inlinePolicies.map { ("inline policy '\($0.name)'", $0.document) }
            for grant in graph.grants[index] where grant.viaGroup == nil {
                if case .standalone(let i) = grant.source, !graph.policies[i].isManaged, let document = grant.document {
                    parts.append((grant.label, document))
                }
            }
            guard parts.count > 1, !parts.contains(where: { oversized.contains(Self.key($0.document)) }) else { continue }
            let sizes = parts.compactMap { PolicySize.measure($0.document) }
            let total = PolicySize(count: sizes.reduce(0) { $0 + $1.count }, estimated: sizes.contains(where: \.estimated))
            let limit = Self.inlineLimit(principal.kind)
            guard total.count > limit else { continue }
            findings.append(context.finding(
                Message.aggregateTooLarge(holder: graph.describe(index), count: parts.count, size: total, limit: limit),
                at: principal.provenance, subject: principal.displayName,
                related: parts.map { RelatedLocation(location: $0.document.provenance.location, message: "\($0.label)") }))
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

    /// The document's size: its JSON text as written when it is a string (Terraform), else the
    /// resolved value serialised as minified JSON. Nil when the whole document is unknown.
    static func measure(_ document: PolicyDocument) -> PolicySize? {
        guard let source = document.source else { return nil }
        switch source {
        case .string(let text, _):
            // One per scalar (UTF-8 lead byte) that is not white space.
            let count = text.utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 || $1 == 0x20 || $1 == 0x09 || $1 == 0x0A || $1 == 0x0D ? 0 : 1) }
            return PolicySize(count: count, estimated: false)
        case .symbolic:
            return nil
        default:
            var size = PolicySize(count: 0, estimated: false)
            size.add(source)
            return size
        }
    }

    /// Known lengths of the pseudo parameters CloudFormation leaves symbolic.
    static let pseudoLengths: [String: Int] = [
        "AWS::AccountId": 12, "AWS::Partition": 3, "AWS::Region": 9, "AWS::URLSuffix": 13,
    ]

    private mutating func add(_ value: Value) {
        switch value {
        case .string(let s, _):
            addString(s)
        case .symbolic(let s, _):
            estimated = true
            addString(s, pseudoParameters: true)
        case .list(let items, _):
            count += 2 + max(0, items.count - 1)
            for item in items { add(item) }
        case .map(let entries, _):
            count += 2 + max(0, entries.count - 1)
            for entry in entries {
                addString(entry.key)
                count += 1
                add(entry.value)
            }
        case .alternatives(let options, _):
            estimated = true
            var largest = PolicySize(count: 0, estimated: true)
            for option in options {
                var size = PolicySize(count: 0, estimated: true)
                size.add(option)
                if size.count > largest.count { largest = size }
            }
            count += largest.count
        case .null:
            count += 4
        }
    }

    /// A JSON string literal's characters, white space excluded. With `pseudoParameters`, each
    /// `${AWS::AccountId}`, `${AWS::Partition}`, `${AWS::Region}` or `${AWS::URLSuffix}` counts
    /// at its usual length (see `pseudoLengths`). Counted on the UTF-8 bytes without building
    /// a string: every scalar is one lead byte, and only ASCII scalars are escaped or white.
    private mutating func addString(_ s: String, pseudoParameters: Bool = false) {
        count += 2
        var s = s
        s.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if pseudoParameters, b == UInt8(ascii: "$"), let (length, width) = Self.pseudoParameter(bytes, at: i) {
                    count += length
                    i += width
                    continue
                }
                i += 1
                if b >= 0x80 {
                    if b & 0xC0 != 0x80 { count += 1 }  // a lead byte: one scalar
                } else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                    continue
                } else {
                    count += (b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20) ? 2 : 1
                }
            }
        }
    }

    /// Known lengths of the pseudo parameters CloudFormation leaves symbolic, as the UTF-8 of
    /// their `${…}` placeholders.
    private static let pseudoPlaceholders: [(bytes: [UInt8], length: Int)] = pseudoLengths
        .sorted { $0.key < $1.key }
        .map { (Array("${\($0.key)}".utf8), $0.value) }

    /// The usual length of the pseudo parameter placeholder at `i`, and the placeholder's width
    /// in bytes; nil when none starts there. Placeholders contain no `$` after the first byte, so
    /// occurrences never overlap and replacing them one by one (as the size estimate is defined)
    /// counts the same as this single left-to-right pass.
    private static func pseudoParameter(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int)? {
        guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{") else { return nil }
        for placeholder in pseudoPlaceholders where i + placeholder.bytes.count <= bytes.count {
            var matched = true
            for (k, b) in placeholder.bytes.enumerated() where bytes[i + k] != b {
                matched = false
                break
            }
            if matched { return (placeholder.length, placeholder.bytes.count) }
        }
        return nil
    }
}
