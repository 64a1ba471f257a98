import IAMLintCore
import IAMLintModel

/// IAM401: two users, groups, roles, managed policies or instance profiles with the same name in
/// one account. IAM names are unique per account and compared ignoring case.
public struct DuplicateIAMName: Rule {
    public static let code = "IAM401"
    public static let asksDerivedFacts = false
    public init() {}

    /// A named principal, managed policy or instance profile, by position in its graph list,
    /// with its key's hash (32 bytes: the name, provenance and account are read from the graph
    /// where they lie, for a finding; copying them for every named resource held more memory
    /// than the rest of the rule).
    struct Named {
        enum Source: UInt8 { case principal, policy, profile }
        /// The rank of the entry's file among the files of the named entries, in string order.
        var fileRank: Int32
        var index: Int32
        var source: Source
        var kind: EntityKind
        /// The start of the name, line and column in one number (compared as the pair).
        var start: UInt64
        /// `keyHash` of the entry's key (0 when the entries are not all ASCII).
        var hash: UInt64
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
    /// This is its start: the hash of the account and kind (shared by runs of entries).
    static func prefixHash(account: String, kind: EntityKind) -> FNV1a? {
        var hash = FNV1a()
        guard mix(account, lowercased: false, into: &hash), mix(kind.rawValue, lowercased: false, into: &hash) else { return nil }
        return hash
    }

    /// The key's hash from the hash of its account and kind (`prefixHash`).
    static func keyHash(prefix: FNV1a, scope: String, name: String) -> UInt64? {
        var hash = prefix
        guard mix(scope, lowercased: false, into: &hash), mix(name, lowercased: true, into: &hash) else { return nil }
        return hash.value
    }

    /// Mixes an ASCII text and a separator into `hash`; false when the text is not ASCII.
    private static func mix(_ text: String, lowercased: Bool, into hash: inout FNV1a) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // For ASCII text, the bytes of `lowercased()` are its bytes lower-cased one by one.
            guard hash.mixASCIIWords(bytes, lowercased: lowercased) else { return false }
            // 0xFF never occurs in UTF-8: the parts cannot run into each other.
            hash.mix(0xFF)
            return true
        }
    }

    /// The named entries of a graph, with what a key and a finding read of each.
    struct Entries {
        let graph: IAMGraph
        var list: [Named] = []
        /// Each entry's file, by rank.
        var files: [String] = []
        /// False when some key is not ASCII: keys are then compared as strings, not by `hash`.
        var hashed = true

        init(_ graph: IAMGraph) {
            self.graph = graph
            // At most one entry per principal, policy and profile: room for all at once (the
            // list lives only while the rule runs).
            list.reserveCapacity(graph.principals.count + graph.policies.count + graph.instanceProfiles.count)
            // Files by first appearance; ranked in string order once all are known. Entries come
            // file by file, so the previous file is asked first.
            var fileNumbers: [String: Int32] = [:]
            var previous: (file: String, number: Int32)?
            func number(of file: String) -> Int32 {
                if let previous, previous.file == file { return previous.number }
                let made: Int32
                if let known = fileNumbers[file] {
                    made = known
                } else {
                    made = Int32(files.count)
                    fileNumbers[file] = made
                    files.append(file)
                }
                previous = (file, made)
                return made
            }
            // Entries come in runs of one account and kind: the hash of the previous entry's
            // account and kind is reused.
            var prefix: (account: String, kind: EntityKind, hash: FNV1a?)?
            func add(_ source: Named.Source, _ index: Int, kind: EntityKind, name: PolicyText, file: String, account: String) {
                let start = UInt64(name.range.start.line) << 32 | UInt64(name.range.start.column)
                var hash: UInt64 = 0
                if hashed {
                    let accountAndKind: FNV1a?
                    if let prefix, prefix.kind == kind, prefix.account == account {
                        accountAndKind = prefix.hash
                    } else {
                        accountAndKind = DuplicateIAMName.prefixHash(account: account, kind: kind)
                        prefix = (account, kind, accountAndKind)
                    }
                    if let accountAndKind, let made = DuplicateIAMName.keyHash(prefix: accountAndKind, scope: name.isSymbolic ? file : "", name: name.value) {
                        hash = made
                    } else {
                        hashed = false
                    }
                }
                list.append(Named(fileRank: number(of: file), index: Int32(index), source: source, kind: kind, start: start, hash: hash))
            }
            let principals = graph.principals
            for index in principals.indices where principals[index].implicitOrigin == nil {
                if let name = principals[index].explicitName {
                    add(.principal, index, kind: principals[index].kind, name: name, file: principals[index].provenance.file,
                        account: graph.accountID(of: index) ?? "")
                }
            }
            let policies = graph.policies
            for index in policies.indices where policies[index].isManaged {
                if let name = policies[index].explicitName {
                    let file = policies[index].provenance.file
                    add(.policy, index, kind: .managedPolicy, name: name, file: file, account: graph.accountID(ofFile: file) ?? "")
                }
            }
            let profiles = graph.instanceProfiles
            for index in profiles.indices {
                if let name = profiles[index].explicitName {
                    let file = profiles[index].provenance.file
                    add(.profile, index, kind: .instanceProfile, name: name, file: file, account: graph.accountID(ofFile: file) ?? "")
                }
            }
            // Numbers by first appearance → ranks in string order.
            let order = files.indices.sorted { files[$0] < files[$1] }
            var rank = [Int32](repeating: 0, count: files.count)
            for (position, number) in order.enumerated() { rank[number] = Int32(position) }
            files = order.map { files[$0] }
            for position in list.indices { list[position].fileRank = rank[Int(list[position].fileRank)] }
        }

        /// Never read: every entry has a name (the list holds only named resources).
        static let unnamed = PolicyText("", range: SourceRange(SourcePosition(line: 0, column: 0)))

        /// The entry's name.
        func name(_ entry: Named) -> PolicyText {
            let index = Int(entry.index)
            switch entry.source {
            case .principal: return graph.principals[index].explicitName ?? Self.unnamed
            case .policy: return graph.policies[index].explicitName ?? Self.unnamed
            case .profile: return graph.instanceProfiles[index].explicitName ?? Self.unnamed
            }
        }

        func provenance(_ entry: Named) -> Provenance {
            let index = Int(entry.index)
            switch entry.source {
            case .principal: return graph.principals[index].provenance
            case .policy: return graph.policies[index].provenance
            case .profile: return graph.instanceProfiles[index].provenance
            }
        }

        func file(_ entry: Named) -> String { files[Int(entry.fileRank)] }

        func account(_ entry: Named) -> String {
            switch entry.source {
            case .principal: return graph.accountID(of: Int(entry.index)) ?? ""
            case .policy, .profile: return graph.accountID(ofFile: file(entry)) ?? ""
            }
        }

        /// The scope of a name: its file when the name is symbolic (`${AWS::StackName}-app` is
        /// only known to clash with the same text in the same template, which deploys as one
        /// stack).
        func scope(_ entry: Named, _ name: PolicyText) -> String {
            name.isSymbolic ? file(entry) : ""
        }

        /// The key an entry's name clashes on.
        func key(_ entry: Named) -> Key {
            let name = name(entry)
            return Key(account: account(entry), kind: entry.kind, scope: scope(entry, name), name: name.value.lowercased())
        }
    }

    public func check(_ context: RuleContext) -> [Finding] {
        var entries = Entries(context.graph)
        entries.list.sort { a, b in
            if a.fileRank != b.fileRank { return a.fileRank < b.fileRank }
            return a.start < b.start
        }
        let named = entries.list
        // The first entry of each key, by position in `named`: the first entry of each hash,
        // then the first entries of other keys with that hash chained behind it. When a key is
        // not ASCII (strings may then be equal with different bytes), every key is compared as
        // strings instead, through a dictionary of keys.
        let hashed = entries.hashed
        var first: [UInt64: Int32] = [:]
        first.reserveCapacity(hashed ? named.count : 0)
        var nextWithHash = [Int32](repeating: -1, count: hashed ? named.count : 0)
        var firstOfKey: [Key: Int] = [:]
        var findings: [Finding] = []
        for position in named.indices {
            let originalPosition: Int
            if hashed {
                let hash = named[position].hash
                // One look-up for a name seen first (nearly all): the first entry is put back
                // when the hash was taken.
                guard let head = first.updateValue(Int32(position), forKey: hash) else { continue }
                first[hash] = head
                var candidate = Int(head)
                var found: Int?
                let key = entries.key(named[position])
                while candidate >= 0 {
                    if entries.key(named[candidate]) == key {
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
                let key = entries.key(named[position])
                guard let found = firstOfKey.updateValue(position, forKey: key) else { continue }
                firstOfKey[key] = found
                originalPosition = found
            }
            let entry = named[position]
            let original = named[originalPosition]
            let name = entries.name(entry), originalName = entries.name(original)
            let provenance = entries.provenance(entry)
            let originalFile = entries.file(original)
            findings.append(context.finding(
                Message.duplicate(kind: entry.kind, name: name.value, original: originalName.value, file: originalFile),
                at: SourceLocation(file: provenance.file, range: name.range), logicalPath: provenance.logicalPath, subject: "\(entry.kind.rawValue) \(name.value.lowercased())",
                related: [RelatedLocation(
                    location: SourceLocation(file: originalFile, range: originalName.range),
                    message: "\(entry.kind.rawValue) '\(originalName.value)' first defined here")]))
        }
        return findings
    }

    enum Message {
        static func duplicate(kind: EntityKind, name: String, original: String, file: String) -> String {
            "\(kind.rawValue) name '\(name)' is already used by \(kind.rawValue) '\(original)' in \(file); IAM names are unique per account, ignoring case"
        }
    }
}
