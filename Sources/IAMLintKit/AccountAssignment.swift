/// Which configured account each scanned file deploys into: the first account, in the
/// configuration's order, one of whose `paths` globs matches the file's path relative to the root.
///
/// A glob can only match a path that starts with its literal head (what comes before its first
/// `*`, `?` or `[`). The heads are indexed by their bytes, so that a file is tested against the
/// globs whose head starts its path, not against every account's: an organisation of a thousand
/// accounts in a thousand folders made a million glob tests, each copying an account's
/// configuration, before loading could start.
struct AccountAssignment {
    /// One glob of one account, in the configuration's order (account by account).
    private struct Pattern {
        let account: Int
        let glob: String
        let head: [Character]
    }

    private let accounts: [AccountConfiguration]
    private let patterns: [Pattern]
    /// Positions in `patterns` by the bytes of their head, for heads of ASCII text.
    private let patternsByHead: [[UInt8]: [Int]]
    /// The lengths of those heads, each once.
    private let headLengths: [Int]
    /// Patterns tried for every file: an empty head, or one beyond ASCII (a character can equal
    /// another written with other bytes, so the bytes of such a head do not decide).
    private let alwaysTried: [Int]

    init(_ accounts: [AccountConfiguration]) {
        self.accounts = accounts
        var patterns: [Pattern] = []
        var byHead: [[UInt8]: [Int]] = [:]
        var always: [Int] = []
        for (account, configuration) in accounts.enumerated() {
            for glob in configuration.paths {
                let head = Array(glob.prefix { $0 != "*" && $0 != "?" && $0 != "[" })
                let bytes = Array(String(head).utf8)
                if bytes.isEmpty || bytes.contains(where: { $0 >= 0x80 }) {
                    always.append(patterns.count)
                } else {
                    byHead[bytes, default: []].append(patterns.count)
                }
                patterns.append(Pattern(account: account, glob: glob, head: head))
            }
        }
        self.patterns = patterns
        patternsByHead = byHead
        headLengths = Set(byHead.keys.map(\.count)).sorted()
        alwaysTried = always
    }

    /// The id of the account `path` (relative to the root) deploys into, or nil.
    func account(of path: String) -> String? {
        let characters = Array(path)
        func matches(_ position: Int) -> Bool {
            let pattern = patterns[position]
            return characters.starts(with: pattern.head) && Glob.matches(pattern.glob, path)
        }
        let bytes = Array(path.utf8)
        let candidates: [Int]
        if bytes.contains(where: { $0 >= 0x80 }) {
            // Beyond ASCII the bytes do not decide which heads start the path: every pattern.
            candidates = Array(patterns.indices)
        } else {
            // An ASCII path's characters are its bytes (or CR LF pairs), so a head whose
            // characters start the path has bytes that start it: the index finds every pattern
            // `matches` could accept, and `matches` decides as before.
            var found = alwaysTried
            for length in headLengths where length <= bytes.count {
                if let positions = patternsByHead[Array(bytes[..<length])] { found += positions }
            }
            found.sort()
            candidates = found
        }
        // Patterns are in the configuration's order, account by account: the first that matches
        // belongs to the first account with a matching glob.
        guard let first = candidates.first(where: matches) else { return nil }
        return accounts[patterns[first].account].id
    }
}
