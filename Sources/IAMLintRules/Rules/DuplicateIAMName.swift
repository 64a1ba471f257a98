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

    /// Names clash within one account, kind and scope (the file, for symbolic names), compared
    /// ignoring case, as strings are (canonical equivalence).
    struct Key: Hashable {
        var account: String
        var kind: EntityKind
        var scope: String
        var name: String
    }

    /// A 64-bit hash of a key's parts, when all of them are ASCII (where equal strings have equal
    /// bytes); nil otherwise. Hashing four strings into a dictionary for every named resource
    /// cost more than the rest of the rule; entries whose hashes meet are compared part by part.
    static func keyHash(account: String, kind: EntityKind, scope: String, name: String) -> UInt64? {
        var hash = FNV1a()
        // 0xFF never occurs in UTF-8: the parts cannot run into each other.
        func mix(_ text: String, lowercased: Bool) -> Bool {
            var text = text
            return text.withUTF8 { bytes in
                for byte in bytes {
                    guard byte < 0x80 else { return false }
                    // For ASCII text, the bytes of `lowercased()` are its bytes lower-cased one by one.
                    hash.mix(lowercased ? ASCII.lower(byte) : byte)
                }
                hash.mix(0xFF)
                return true
            }
        }
        guard mix(account, lowercased: false), mix(kind.rawValue, lowercased: false), mix(scope, lowercased: false),
              mix(name, lowercased: true)
        else { return nil }
        return hash.value
    }

    /// The scope of a name: its file when the name is symbolic (`${AWS::StackName}-app` is only
    /// known to clash with the same text in the same template, which deploys as one stack).
    static func scope(of entry: Named) -> String {
        entry.name.isSymbolic ? entry.provenance.file : ""
    }

    /// The key an entry's name clashes on.
    static func key(of entry: Named) -> Key {
        Key(account: entry.account, kind: entry.kind, scope: scope(of: entry), name: entry.name.value.lowercased())
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var named: [Named] = []
        // At most one entry per principal, policy and profile: room for all at once (the list
        // lives only while the rule runs).
        named.reserveCapacity(graph.principals.count + graph.policies.count + graph.instanceProfiles.count)
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
        // The first entry of each key, by position in `named`: the first entry of each hash,
        // then the first entries of other keys with that hash chained behind it. When a key is
        // not ASCII (strings may then be equal with different bytes), every key is compared as
        // strings instead, through a dictionary of keys.
        var hashes: [UInt64]? = []
        hashes?.reserveCapacity(named.count)
        for position in named.indices {
            guard let hash = Self.keyHash(
                account: named[position].account, kind: named[position].kind, scope: Self.scope(of: named[position]),
                name: named[position].name.value)
            else {
                hashes = nil
                break
            }
            hashes?.append(hash)
        }
        var first: [UInt64: Int32] = [:]
        first.reserveCapacity(hashes == nil ? 0 : named.count)
        var nextWithHash = [Int32](repeating: -1, count: hashes == nil ? 0 : named.count)
        var firstOfKey: [Key: Int] = [:]
        var findings: [Finding] = []
        for position in named.indices {
            let originalPosition: Int
            if let hashes {
                let hash = hashes[position]
                // One look-up for a name seen first (nearly all): the first entry is put back
                // when the hash was taken.
                guard let head = first.updateValue(Int32(position), forKey: hash) else { continue }
                first[hash] = head
                var candidate = Int(head)
                var found: Int?
                while candidate >= 0 {
                    if Self.key(of: named[candidate]) == Self.key(of: named[position]) {
                        found = candidate
                        break
                    }
                    candidate = Int(nextWithHash[candidate])
                }
                guard let found else {
                    // Another key with the same hash: this entry is the first of its own key.
                    nextWithHash[position] = nextWithHash[Int(head)]
                    nextWithHash[Int(head)] = Int32(position)
                    continue
                }
                originalPosition = found
            } else {
                let key = Self.key(of: named[position])
                guard let found = firstOfKey.updateValue(position, forKey: key) else { continue }
                firstOfKey[key] = found
                originalPosition = found
            }
            let entry = named[position]
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
