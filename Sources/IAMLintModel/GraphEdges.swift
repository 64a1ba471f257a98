import IAMLintCore

/// A policy that applies to a principal, and where the grant is written.
public struct Grant: Sendable {
    public enum Source: Sendable {
        /// Written into the principal (`Policies`).
        case inline(name: String)
        /// A policy declared on its own and attached to the principal.
        case standalone(index: Int)
        /// An AWS-managed or otherwise unknown policy attached by ARN.
        case arn(PolicyText)
    }

    public var source: Source
    public var document: PolicyDocument?
    /// Where the grant is stated: the inline policy, the attachment list entry or the ARN entry.
    public var provenance: Provenance
    /// Set when the grant reaches a user through a group.
    public var viaGroup: Int?
    /// The policy's own name.
    public var policyName: String

    /// How messages name the policy: `AdministratorAccess`, `inline policy 'root'`, `policy 'Admin'`.
    public var label: String {
        switch source {
        case .arn: return policyName
        case .inline: return "inline policy '\(policyName)'"
        case .standalone: return "policy '\(policyName)'"
        }
    }

    /// True for `AdministratorAccess` or a document that allows `*` on `*`.
    public var isAdministratorEquivalent: Bool {
        if case .arn(let arn) = source, ARN.isAdministratorAccess(arn.value) { return true }
        return document?.grantsFullAdmin ?? false
    }
}

/// The grants of every principal, principal by principal, in one list: `table[p]` is principal
/// `p`'s (`GrantList`, read in place). One list and one 32-bit offset per principal instead of a
/// list per principal (a header and an allocation each).
public struct GrantTable: RandomAccessCollection, Sendable {
    @usableFromInline let items: [Grant]
    /// Principal `p`'s grants are `items[offsets[p]..<offsets[p + 1]]`.
    @usableFromInline let offsets: [Int32]

    /// No principals.
    init() {
        items = []
        offsets = [0]
    }

    init(items: [Grant], offsets: [Int32]) {
        self.items = items
        self.offsets = offsets
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { offsets.count - 1 }

    /// Principal `principal`'s grants.
    @inlinable public subscript(principal: Int) -> GrantList {
        GrantList(items: items, start: Int(offsets[principal]), end: Int(offsets[principal + 1]))
    }
}

/// One principal's grants (`GrantTable`), read in place: positions from 0, like an array of them.
public struct GrantList: RandomAccessCollection, Sendable {
    @usableFromInline let items: [Grant]
    @usableFromInline let start: Int
    @usableFromInline let end: Int

    @inlinable init(items: [Grant], start: Int, end: Int) {
        self.items = items
        self.start = start
        self.end = end
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { end - start }

    @inlinable public subscript(position: Int) -> Grant {
        _read {
            precondition(position >= 0 && position < end - start, "GrantList index out of range")
            yield items[start + position]
        }
    }

    /// `Sequence.contains(where:)`, the grants read in place rather than copied one by one.
    @inlinable public func contains(where predicate: (Grant) throws -> Bool) rethrows -> Bool {
        for i in start..<end where try predicate(items[i]) { return true }
        return false
    }

    /// `Sequence.first(where:)`, the grants read in place; only the one found is copied.
    @inlinable public func first(where predicate: (Grant) throws -> Bool) rethrows -> Grant? {
        for i in start..<end where try predicate(items[i]) { return items[i] }
        return nil
    }
}

/// A grant that a standalone policy (`list` 0, 1, 2: its roles, users, groups; `item` the
/// reference's position) or an attachment (`list` `attachment`) gives principal `target`, while
/// `IAMGraph` counts the grants before writing them.
struct NamedGrant {
    static let attachment: UInt8 = 3
    var target: Int32
    /// The policy's or the attachment's index.
    var origin: Int32
    var item: Int32
    var list: UInt8

    init(target: Int, origin: Int, item: Int, list: Int) {
        self.target = Int32(truncatingIfNeeded: target)
        self.origin = Int32(truncatingIfNeeded: origin)
        self.item = Int32(truncatingIfNeeded: item)
        self.list = UInt8(truncatingIfNeeded: list)
    }

    init(target: Int, origin: Int, item: Int, list: UInt8) {
        self.init(target: target, origin: origin, item: item, list: Int(list))
    }
}

/// An index (of a principal, a role, an entry) stored in 32 bits and read and written as an `Int`:
/// a graph's edges and steps number hundreds of thousands, and their indexes fit 32 bits.
@propertyWrapper
public struct Index32: Sendable, Hashable {
    @usableFromInline var stored: Int32

    @inlinable public init(wrappedValue: Int) { stored = Int32(truncatingIfNeeded: wrappedValue) }

    @inlinable public var wrappedValue: Int {
        get { Int(stored) }
        set { stored = Int32(truncatingIfNeeded: newValue) }
    }
}

/// A trust statement's admission of one principal to a role.
///
/// 16 bytes: indexes are stored in 32 bits and the principal is read from the statement (an
/// organisation has hundreds of thousands of edges).
public struct TrustEdge: Sendable {
    @Index32 public var role: Int
    @Index32 private var principalIndex: Int
    public var statement: Statement

    /// `principalIndex` is the position of the admitted entry in `statement.principals`.
    init(role: Int, statement: Statement, principalIndex: Int) {
        self.role = role
        self.principalIndex = principalIndex
        self.statement = statement
    }

    /// The principal entry of `statement` that the edge admits.
    public var principal: PrincipalEntry { statement.principals[principalIndex] }
}

/// A principal's identity policy that allows `sts:AssumeRole` on a role of the graph.
///
/// 16 bytes: indexes are stored in 32 bits (an organisation has hundreds of thousands of edges).
public struct AssumeEdge: Sendable {
    @Index32 public var from: Int
    @Index32 public var role: Int
    public var statement: Statement

    init(from: Int, role: Int, statement: Statement) {
        self.from = from
        self.role = role
        self.statement = statement
    }
}

/// A policy document of the graph with what it belongs to, for rules that look at statements.
///
/// 24 bytes: the document, the graph's principals and policies (shared, one reference for every
/// document) that `label` reads the names from when a message needs them, and the owner's
/// position with the inline policy's and the kind packed in 64 bits (an organisation has a
/// document or more per principal).
public struct DocumentRef: Sendable {
    public enum Kind: UInt8, Sendable, Equatable {
        /// A role's trust (assume-role) policy.
        case trust
        /// An identity policy written into a principal (`Policies`, `inline_policy`).
        case inline
        /// A policy declared on its own (managed or not).
        case standalone
    }

    public var document: PolicyDocument
    /// Where `label` reads the names: the principals and standalone policies of the graph.
    private let owners: DocumentOwners
    /// The principal index for trust and inline documents, the standalone policy index for
    /// standalone ones.
    private let owner: Int32
    /// The inline policy's position among its principal's (inline documents), in the low 24
    /// bits; the kind in the high 8.
    private let packed: UInt32

    /// A trust document of role `principal`.
    init(trust document: PolicyDocument, principal: Int, owners: DocumentOwners) {
        self.document = document
        self.owners = owners
        owner = Int32(truncatingIfNeeded: principal)
        packed = UInt32(Kind.trust.rawValue) << 24
    }

    /// The `inline`th inline policy of `principal`.
    init(inline document: PolicyDocument, principal: Int, inline: Int, owners: DocumentOwners) {
        self.document = document
        self.owners = owners
        owner = Int32(truncatingIfNeeded: principal)
        packed = UInt32(Kind.inline.rawValue) << 24 | UInt32(truncatingIfNeeded: inline) & 0xFF_FFFF
    }

    /// The document of standalone policy `policy`.
    init(standalone document: PolicyDocument, policy: Int, owners: DocumentOwners) {
        self.document = document
        self.owners = owners
        owner = Int32(truncatingIfNeeded: policy)
        packed = UInt32(Kind.standalone.rawValue) << 24
    }

    public var kind: Kind { Kind(rawValue: UInt8(truncatingIfNeeded: packed >> 24)) ?? .standalone }

    /// The principal index for trust and inline documents.
    public var principal: Int? { kind == .standalone ? nil : Int(owner) }

    /// The standalone policy index for standalone documents.
    public var policy: Int? { kind == .standalone ? Int(owner) : nil }

    /// How messages name the document: `trust policy of role 'Admin'`, `policy 'deploy'`.
    public var label: String {
        let index = Int(owner)
        switch kind {
        case .trust:
            return "trust policy of role '\(owners.principals[index].displayName)'"
        case .inline:
            let principal = owners.principals[index]
            let name = principal.inlinePolicies[Int(packed & 0xFF_FFFF)].name
            return "inline policy '\(name)' of \(principal.kind.rawValue) '\(principal.displayName)'"
        case .standalone:
            let policy = owners.policies[index]
            return "\(policy.isManaged ? "managed policy" : "policy") '\(policy.displayName)'"
        }
    }
}

/// The principals and standalone policies of a graph, shared by its `DocumentRef`s for their labels.
final class DocumentOwners: Sendable {
    let principals: [Principal]
    let policies: [StandalonePolicy]

    init(principals: [Principal], policies: [StandalonePolicy]) {
        self.principals = principals
        self.policies = policies
    }
}
