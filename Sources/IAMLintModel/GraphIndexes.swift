import IAMLintCore

/// The positions of a list's items grouped by a small integer key (a principal index), in
/// list order: one flat array and one offset per key, built by counting, instead of a
/// dictionary of arrays (two allocations in all, 32-bit positions).
struct PositionIndex {
    /// `positions[offsets[k]..<offsets[k + 1]]` are the positions whose key is `k`.
    private var offsets: [Int32] = []
    private var positions: [Int32] = []

    init() {}

    /// `key(i)` is the key of position `i` of `count`; every key is in `0..<keyCount`. (Keys are
    /// read twice rather than kept in a list: an organisation has a million edges.)
    init(count: Int, keyCount: Int, key: (Int) -> Int) {
        let offsets = Self.offsets(count: count, keyCount: keyCount, key: key)
        var next = offsets
        var positions = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let k = key(i)
            positions[Int(next[k])] = Int32(truncatingIfNeeded: i)
            next[k] += 1
        }
        self.offsets = offsets
        self.positions = positions
    }

    /// Where each key's positions start, for keys `0..<keyCount` and one past the last: the
    /// running count of the keys below it.
    static func offsets(count: Int, keyCount: Int, key: (Int) -> Int) -> [Int32] {
        var offsets = [Int32](repeating: 0, count: keyCount + 1)
        for i in 0..<count { offsets[key(i) + 1] += 1 }
        for k in 0..<keyCount { offsets[k + 1] += offsets[k] }
        return offsets
    }

    /// The positions whose key is `key`, in order; empty for a key out of range.
    subscript(key: Int) -> ArraySlice<Int32> {
        guard key >= 0, key + 1 < offsets.count else { return [] }
        return positions[Int(offsets[key])..<Int(offsets[key + 1])]
    }
}

/// A text as a dictionary key hashed by its 64-bit FNV-1a (eight bytes at a time), which the
/// dictionary hashes as a number: hashing a long text (an ARN) with the dictionary's own hasher
/// cost several hundred instructions a lookup. Equal when the texts are.
struct HashedText: Hashable {
    let hash: UInt64
    let text: String

    init(_ text: String) {
        var text = text
        hash = text.withUTF8 { bytes in
            var hash = FNV1a()
            hash.mixWords(bytes)
            return hash.value
        }
        self.text = text
    }

    static func == (a: HashedText, b: HashedText) -> Bool { a.hash == b.hash && a.text == b.text }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

/// The positions of a list's items by a small integer key (a principal index) when the list is in
/// key order (`trustEdges` by role, `assumeEdges` by principal): a key's positions are one run,
/// so only the runs' starts are kept (32-bit), not a position per item.
struct RunIndex {
    /// The positions whose key is `k` are `offsets[k]..<offsets[k + 1]`.
    private var offsets: [Int32] = []

    init() {}

    /// `key(i)` is the key of position `i` of `count`, in increasing order; every key is in
    /// `0..<keyCount`.
    init(count: Int, keyCount: Int, key: (Int) -> Int) {
        precondition((1..<max(count, 1)).allSatisfy { key($0 - 1) <= key($0) }, "RunIndex keys out of order")
        self.offsets = PositionIndex.offsets(count: count, keyCount: keyCount, key: key)
    }

    /// The positions whose key is `key`, in order; empty for a key out of range.
    subscript(key: Int) -> Range<Int> {
        guard key >= 0, key + 1 < offsets.count else { return 0..<0 }
        return Int(offsets[key])..<Int(offsets[key + 1])
    }
}

/// A list built in blocks (the first small, each next twice as large up to `size` items) and
/// moved once into a list of exactly its length: a large organisation has a million edges, and
/// one list growing by doubling would hold up to three times their size at once, beside the role
/// index. Moving the edges (not copying them) spares a retain and a release of each edge's
/// statement; each block's room is freed as soon as it is moved, so that the blocks and the list
/// are not held in full together.
struct AssumeEdgeChunks: @unchecked Sendable {
    static let size = 1 << 16
    private var blocks: [AssumeEdgeBlock] = []
    private var current: AssumeEdgeBlock?
    private(set) var count = 0

    @inline(__always)
    mutating func append(_ edge: AssumeEdge) {
        if current == nil || current!.isFull {
            let block = AssumeEdgeBlock(capacity: current.map { min(2 * $0.capacity, Self.size) } ?? 1024)
            blocks.append(block)
            current = block
        }
        current!.append(edge)
        count += 1
    }

    /// The edges of `lists`, in order, in one list of their number; the lists are left empty.
    static func joined(_ lists: [AssumeEdgeChunks]) -> [AssumeEdge] {
        let total = lists.reduce(0) { $0 + $1.count }
        return [AssumeEdge](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            for list in lists {
                for block in list.blocks {
                    initialized += block.move(to: base + initialized)
                }
            }
        }
    }
}

/// Room for a fixed number of assume edges, filled in order; its edges can be moved out.
final class AssumeEdgeBlock {
    let capacity: Int
    /// Nil once the edges are moved out.
    private var items: UnsafeMutablePointer<AssumeEdge>!
    private var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        items = .allocate(capacity: capacity)
    }

    deinit {
        guard let items else { return }
        items.deinitialize(count: count)
        items.deallocate()
    }

    var isFull: Bool { count == capacity }

    /// Adds `edge` after the others; the block must not be full nor moved out.
    func append(_ edge: AssumeEdge) {
        precondition(count < capacity && items != nil, "AssumeEdgeBlock full")
        (items + count).initialize(to: edge)
        count += 1
    }

    /// Moves the edges to `target` (uninitialised room for them) and returns how many; the
    /// block is empty after, its room freed.
    func move(to target: UnsafeMutablePointer<AssumeEdge>) -> Int {
        let moved = count
        target.moveInitialize(from: items, count: moved)
        count = 0
        items.deallocate()
        items = nil
        return moved
    }
}

/// Principal indexes grouped by a key (`NameInAccount`), each group in increasing order, found by
/// a 64-bit hash of the key (`NameInAccount.hash64`): an open-addressing table of hashes and
/// group numbers, and the groups one after the other in one array of 32-bit positions. A
/// dictionary of arrays hashed each key's texts again and allocated an array per key (an
/// organisation has a hundred thousand names); a hash shared by two keys only makes a lookup
/// check the next slot (`isKey` tells them apart).
struct NameLists {
    /// The table: a power of two in size, at most three quarters full; `groups[i]` is 0 in an
    /// empty slot, else its group's number plus one.
    private var hashes: [UInt64] = []
    private var groups: [Int32] = []
    /// The positions of group `g` are `positions[offsets[g]..<offsets[g + 1]]`.
    private var offsets: [Int32] = [0]
    private var positions: [Int32] = []

    init() {}

    /// The positions of the group whose key has `hash` and whose first position `isKey`
    /// accepts, in increasing order: a slice of the lists' storage, not a copy (a name can be
    /// shared by a principal in each of a thousand accounts).
    func positions(hash: UInt64, isKey: (Int) -> Bool) -> ArraySlice<Int32> {
        guard !groups.isEmpty else { return [] }
        let mask = groups.count - 1
        var i = Self.start(hash, mask)
        while groups[i] != 0 {
            if hashes[i] == hash {
                let g = Int(groups[i] - 1)
                let run = Int(offsets[g])..<Int(offsets[g + 1])
                if isKey(Int(positions[run.lowerBound])) { return positions[run] }
            }
            i = (i + 1) & mask
        }
        return []
    }

    fileprivate static func start(_ hash: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    }

    /// The keys of positions 0, 1, 2, … in turn, each as its hash and a test of whether an
    /// earlier position has the same key.
    struct Builder {
        private var hashes: [UInt64]
        private var groups: [Int32]
        /// The first position of each group, and the group of each position added.
        private var firsts: [Int32] = []
        private var groupOf: [Int32] = []

        init(expected: Int) {
            var size = 16
            while 3 * size < 4 * expected { size *= 2 }
            hashes = Array(repeating: 0, count: size)
            groups = Array(repeating: 0, count: size)
            groupOf.reserveCapacity(expected)
        }

        /// The next position, its key's `hash`; `sameKey(p)` tells whether position `p` has its key.
        mutating func add(hash: UInt64, sameKey: (Int) -> Bool) {
            if 4 * (firsts.count + 1) > 3 * groups.count { grow() }
            let mask = groups.count - 1
            var i = NameLists.start(hash, mask)
            while groups[i] != 0 {
                if hashes[i] == hash {
                    let g = groups[i] - 1
                    if sameKey(Int(firsts[Int(g)])) {
                        groupOf.append(g)
                        return
                    }
                }
                i = (i + 1) & mask
            }
            let g = Int32(truncatingIfNeeded: firsts.count)
            hashes[i] = hash
            groups[i] = g + 1
            firsts.append(Int32(truncatingIfNeeded: groupOf.count))
            groupOf.append(g)
        }

        /// The table twice as large.
        private mutating func grow() {
            let oldHashes = hashes, oldGroups = groups
            hashes = Array(repeating: 0, count: 2 * oldHashes.count)
            groups = Array(repeating: 0, count: 2 * oldGroups.count)
            let mask = groups.count - 1
            for k in oldGroups.indices where oldGroups[k] != 0 {
                var i = NameLists.start(oldHashes[k], mask)
                while groups[i] != 0 { i = (i + 1) & mask }
                hashes[i] = oldHashes[k]
                groups[i] = oldGroups[k]
            }
        }

        /// The lists: the positions counted by group, then placed (in increasing order).
        func lists() -> NameLists {
            var lists = NameLists()
            var offsets = [Int32](repeating: 0, count: firsts.count + 1)
            for g in groupOf { offsets[Int(g) + 1] += 1 }
            for g in 0..<firsts.count { offsets[g + 1] += offsets[g] }
            var next = offsets
            var positions = [Int32](repeating: 0, count: groupOf.count)
            for (i, g) in groupOf.enumerated() {
                positions[Int(next[Int(g)])] = Int32(truncatingIfNeeded: i)
                next[Int(g)] += 1
            }
            // The table again, sized for the groups rather than for the positions: names repeat
            // across accounts (`byName` of an organisation has a few thousand groups for a
            // hundred thousand principals).
            var size = 16
            while 3 * size < 4 * firsts.count { size *= 2 }
            if size < groups.count {
                var compactHashes = [UInt64](repeating: 0, count: size)
                var compactGroups = [Int32](repeating: 0, count: size)
                let mask = size - 1
                for k in groups.indices where groups[k] != 0 {
                    var i = NameLists.start(hashes[k], mask)
                    while compactGroups[i] != 0 { i = (i + 1) & mask }
                    compactHashes[i] = hashes[k]
                    compactGroups[i] = groups[k]
                }
                lists.hashes = compactHashes
                lists.groups = compactGroups
            } else {
                lists.hashes = hashes
                lists.groups = groups
            }
            lists.offsets = offsets
            lists.positions = positions
            return lists
        }
    }
}

/// The key of `IAMGraph.byName` (without account) and `byNameInAccount`: kind, lower-cased name,
/// account.
struct NameInAccount {
    var kind: EntityKind
    var name: String
    var account: String?

    /// FNV-1a of the kind's position, the name and (for `byNameInAccount`) the account:
    /// `withAccount` false hashes the key as `byName` has it, whatever `account` is.
    func hash64(withAccount: Bool) -> UInt64 {
        var hash = FNV1a()
        hash.mix(UInt8(truncatingIfNeeded: kind.position))
        hash.mix(name)
        guard withAccount else { return hash.value }
        if let account {
            hash.mix(0x1F)
            hash.mix(account)
        } else {
            hash.mix(0x1E)
        }
        return hash.value
    }
}

extension EntityKind {
    /// The kind's position among the kinds (hashed instead of its raw text).
    fileprivate var position: Int {
        switch self {
        case .user: return 0
        case .group: return 1
        case .role: return 2
        case .managedPolicy: return 3
        case .instanceProfile: return 4
        }
    }
}

/// Managed policies by the keys `localManagedPolicy` compares (ARN, `${LogicalName}`, literal
/// name), so that a lookup visits only the policies that can match, lowest index first.
struct ManagedPolicyIndex {
    var byKey: [String: [Int]] = [:]
    var byLiteralName: [String: [Int]] = [:]

    init(_ policies: [StandalonePolicy]) {
        for (i, policy) in policies.enumerated() where policy.isManaged {
            byKey[policy.arn, default: []].append(i)
            let logical = "${\(policy.logicalName)}"
            if logical != policy.arn { byKey[logical, default: []].append(i) }
            if let name = policy.explicitName, !name.isSymbolic { byLiteralName[name.value, default: []].append(i) }
        }
    }

    func candidates(_ arn: String, literalName: String?) -> [Int] {
        let byArn = byKey[arn] ?? []
        guard let literalName, let named = byLiteralName[literalName] else { return byArn }
        if byArn.isEmpty { return named }
        return Array(Set(byArn).union(named)).sorted()
    }
}

/// The roles of the graph indexed by their ARNs, so that an `sts:AssumeRole` statement is matched
/// against the roles its resource patterns can name rather than against every role. Keys are
/// hashes of the lower-cased text (a superset for case-sensitive matching, and a hash collision
/// only adds a candidate); the candidates are always checked with `Statement.mayCover(roleArn:)`,
/// so the index changes speed, never the result.
struct RoleIndex {
    /// The ARN of each role (`IAMGraph.arn(of:)`), by principal index; nil for users and groups.
    var arns: [String?]
    /// Whether each role has an explicit name (`RoleName`), by principal index.
    var isNamed: [Bool]
    var all: [Int] = []
    /// Roles by each form of their ARN.
    var byARN: KeyedLists
    /// Roles by the last `/` segment of each form of their ARN (the role name).
    var byName: KeyedLists
    /// Roles by the ARN up to and including the fifth colon (`arn:aws:iam::123456789012:`).
    var byAccountPrefix: KeyedLists

    init(_ graph: IAMGraph) {
        // Tables sized for the roles' ARNs; role names and account prefixes repeat across
        // accounts (a few hundred distinct in an organisation of a thousand accounts), so their
        // tables start small and grow.
        var roleCount = 0
        for index in graph.principals.indices where graph.principals[index].kind == .role { roleCount += 1 }
        byARN = KeyedLists(expectedKeys: roleCount, expectedValues: roleCount)
        byName = KeyedLists(expectedValues: roleCount)
        byAccountPrefix = KeyedLists(expectedValues: roleCount)
        all.reserveCapacity(roleCount)
        arns = Array(repeating: nil, count: graph.principals.count)
        isNamed = Array(repeating: false, count: graph.principals.count)
        let placeholder: [UInt8] = Array("arn:${aws::partition}:".utf8)
        let partition: [UInt8] = Array("arn:aws:".utf8)
        for index in graph.principals.indices where graph.principals[index].kind == .role {
            var arn = graph.arn(of: index)
            all.append(index)
            isNamed[index] = graph.principals[index].explicitName != nil
            arn.withUTF8 { bytes in
                let name = Self.key(bytes, Self.lastSegment(bytes, 0..<bytes.count))
                let prefix = Self.accountPrefix(bytes, 0..<bytes.count).map { Self.key(bytes, $0) }
                byARN.add(Self.key(bytes, 0..<bytes.count), index)
                byName.add(name, index)
                if let prefix { byAccountPrefix.add(prefix, index) }
                // The ARN with `arn:aws:` for the partition placeholder, as patterns spell it:
                // its name is the same, its account prefix may differ (an `add` of a value that
                // ends the key's list already is skipped).
                guard Self.hasPrefix(bytes, placeholder) else { return }
                (partition + bytes[placeholder.count...]).withUnsafeBufferPointer { bytes in
                    byARN.add(Self.key(bytes, 0..<bytes.count), index)
                    if let other = Self.accountPrefix(bytes, 0..<bytes.count).map({ Self.key(bytes, $0) }), other != prefix {
                        byAccountPrefix.add(other, index)
                    }
                }
            }
            arns[index] = arn
        }
    }

    /// A hash of `bytes[range]` lower-cased (ASCII): FNV-1a's constants over eight bytes at a
    /// time (lower-cased together), then the last bytes one by one; enough for an index whose
    /// matches are checked anyway. Equal texts have equal keys wherever they start.
    static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash = FNV1a()
        hash.mixWords(UnsafeBufferPointer(rebasing: bytes[range]), lowercased: true)
        return hash.value
    }

    /// Whether `bytes` lower-cased (ASCII) starts with `prefix` (lower-case).
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && prefix.indices.allSatisfy { ASCII.lower(bytes[$0]) == prefix[$0] }
    }

    /// Characters after which the index cannot say what a pattern matches: wildcards, and
    /// placeholders (`${…}`) in case they are ever matched as wildcards. All of them, and the
    /// `/` and `:` the index cuts at, are ASCII: cutting the UTF-8 bytes cuts the scalars
    /// `Wildcard` compares.
    static func isOpen(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "*") || c == UInt8(ascii: "?") || c == UInt8(ascii: "$") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
    }

    /// The part of `range` after its last `/` (all of it without one). Cut at ASCII bytes of
    /// UTF-8, so at scalar boundaries.
    static func lastSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var start = range.upperBound
        while start > range.lowerBound, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
        return start..<range.upperBound
    }

    /// The part of `range` up to and including its fifth `:`, or nil with fewer.
    static func accountPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var colons = 0
        for i in range where bytes[i] == UInt8(ascii: ":") {
            colons += 1
            if colons == 5 { return range.lowerBound..<(i + 1) }
        }
        return nil
    }

    /// The roles, in index order, whose ARN one of the statement's resource patterns may match.
    func candidates(for statement: Statement) -> [Int] {
        if statement.isNotResource { return all }
        var found: [Int]? = nil
        var more = Set<Int>()
        for resource in statement.resources {
            var pattern = resource.value
            let roles: [Int]? = pattern.withUTF8 { bytes in
                // A match ends with the text after the last wildcard and starts with the text before
                // the first: when those fix the role name or the account, look only there.
                guard let open = bytes.lastIndex(where: Self.isOpen) else {
                    // No wildcard: the pattern names one ARN.
                    return byARN.values(Self.key(bytes, 0..<bytes.count))
                }
                let tail = (open + 1)..<bytes.count
                let head = 0..<(bytes.firstIndex(where: Self.isOpen) ?? bytes.count)
                let named = bytes[tail].contains(UInt8(ascii: "/")) ? byName.list(Self.key(bytes, Self.lastSegment(bytes, tail))) : nil
                let inAccount = Self.accountPrefix(bytes, head).map { byAccountPrefix.list(Self.key(bytes, $0)) }
                switch (named, inAccount) {
                case let (named?, inAccount?):
                    return named.count <= inAccount.count ? byName.values(named) : byAccountPrefix.values(inAccount)
                case let (named?, nil): return byName.values(named)
                case let (nil, inAccount?): return byAccountPrefix.values(inAccount)
                case (nil, nil): return nil
                }
            }
            guard let roles else { return all }
            // One pattern (the usual case): its list, already in index order.
            if found == nil { found = roles } else { more.formUnion(roles) }
        }
        guard var found else { return [] }
        if !more.isEmpty {
            more.formUnion(found)
            found = more.sorted()
        }
        return found
    }
}

/// A role index that one thread builds and another frees (`IAMGraph.link`).
final class RoleIndexHolder: @unchecked Sendable {
    var index: RoleIndex?

    init(_ index: RoleIndex) { self.index = index }
}

/// Lists of principal indexes by a 64-bit key, for an index with many keys of one or a few
/// values each: a table of list ends and one shared array of links, instead of an array
/// allocated per key. The keys are hashes already, so the table is an open-addressing one that
/// uses them as they are (a `Dictionary` hashed each of them again, the larger part of the
/// index's cost).
struct KeyedLists {
    /// A list: its last link and how many values it has (0 in an empty slot of the table).
    struct List {
        var last: Int32
        var count: Int32
    }

    /// The table, linear probing; its size is a power of two, at most half full.
    private var keys: [UInt64]
    private var lists: [List]
    private var used = 0
    /// `values[i]` and the link before it in the same list (`-1` at the list's start).
    private var links: [(value: Int32, previous: Int32)] = []

    /// A table with room for `expectedKeys` keys and `expectedValues` values before it grows.
    init(expectedKeys: Int = 8, expectedValues: Int = 0) {
        var size = 16
        while size < 2 * expectedKeys { size *= 2 }
        keys = Array(repeating: 0, count: size)
        lists = Array(repeating: List(last: -1, count: 0), count: size)
        links.reserveCapacity(expectedValues)
    }

    /// The slot of `key`: where it is, or the empty slot where it would go.
    private func slot(_ key: UInt64) -> Int {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        while lists[i].count != 0 && keys[i] != key { i = (i + 1) & mask }
        return i
    }

    /// Adds `value` to the end of `key`'s list, unless it ends the list already (values are
    /// added in increasing order: a value's two forms can share a key).
    mutating func add(_ key: UInt64, _ value: Int) {
        if 2 * (used + 1) > keys.count { grow() }
        let i = slot(key)
        let position = Int32(links.count)
        let end = lists[i]
        if end.count != 0 {
            if links[Int(end.last)].value == Int32(truncatingIfNeeded: value) { return }
            links.append((Int32(truncatingIfNeeded: value), end.last))
            lists[i] = List(last: position, count: end.count + 1)
        } else {
            links.append((Int32(truncatingIfNeeded: value), -1))
            keys[i] = key
            lists[i] = List(last: position, count: 1)
            used += 1
        }
    }

    /// The table twice as large, every list in it.
    private mutating func grow() {
        let oldKeys = keys, oldLists = lists
        keys = Array(repeating: 0, count: 2 * oldKeys.count)
        lists = Array(repeating: List(last: -1, count: 0), count: 2 * oldKeys.count)
        for i in oldKeys.indices where oldLists[i].count != 0 {
            let j = slot(oldKeys[i])
            keys[j] = oldKeys[i]
            lists[j] = oldLists[i]
        }
    }

    /// The list of `key` (empty when there is none).
    func list(_ key: UInt64) -> List {
        let i = slot(key)
        return lists[i].count != 0 ? lists[i] : List(last: -1, count: 0)
    }

    /// The values of `key`'s list, in the order they were added.
    func values(_ key: UInt64) -> [Int] { values(list(key)) }

    /// The values of `list` (one of this index's), in the order they were added.
    func values(_ list: List) -> [Int] {
        var result = [Int](repeating: 0, count: Int(list.count))
        var position = list.last
        var i = result.count
        while position >= 0, i > 0 {
            i -= 1
            result[i] = Int(links[Int(position)].value)
            position = links[Int(position)].previous
        }
        return result
    }
}
