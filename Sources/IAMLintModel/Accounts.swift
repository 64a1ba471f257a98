import IAMLintCore

/// An AWS account named in the configuration.
public struct Account: Sendable, Hashable {
    public var name: String
    /// The 12-digit account id.
    public var id: String
    /// True for the identity account, where people live as IAM users.
    public var isIdentity: Bool
    /// Where the configuration names the account (its key in `.iamlint.yml`), when known.
    public var provenance: Provenance?

    public init(name: String, id: String, isIdentity: Bool, provenance: Provenance? = nil) {
        self.name = name
        self.id = id
        self.isIdentity = isIdentity
        self.provenance = provenance
    }
}

extension IAMGraph {
    /// The account a principal lives in: stated by its file (a Terraform ARN) or by the
    /// configuration for the file; nil when unknown (the one unnamed default account).
    public func accountID(of index: Int) -> String? {
        principalAccounts[index]
    }

    /// The account the file deploys to, when configured.
    public func accountID(ofFile file: String) -> String? {
        fileAccounts[file]
    }

    /// The configured account with this id (the first, should two share it). Trust rules ask
    /// it for every trust edge, so beyond a handful of accounts the answer comes from an index
    /// of the accounts by id, built once per graph (`derived`).
    public func account(withID id: String) -> Account? {
        if accounts.count <= 8 { return accounts.first { $0.id == id } }
        let positions = derived.value(AccountPositions.self) {
            var positions: [String: Int] = [:]
            for (position, account) in accounts.enumerated() where positions[account.id] == nil { positions[account.id] = position }
            return positions
        }
        return positions[id].map { accounts[$0] }
    }

    /// The configured identity account, if any.
    public var identityAccount: Account? {
        accounts.first(where: \.isIdentity)
    }

    /// The principal's ARN with its account filled in when known.
    public func arn(of index: Int) -> String {
        let p = principals[index]
        guard let known = accountID(of: index) else { return p.arn }
        let type: StaticString = p.kind == .role ? "role" : p.kind == .user ? "user" : "group"
        var account = known, path = p.path, name = p.referenceKey
        let prefix: StaticString = "arn:aws:iam::"
        let count = prefix.withUTF8Buffer { $0.count } + account.utf8.count + 1 + type.withUTF8Buffer { $0.count }
            + path.utf8.count + name.utf8.count
        // Spelt into one buffer: appending the parts to a string cost nearly twice as much,
        // and the rules ask for an ARN per principal and edge. Each part is copied by `copy`,
        // which returns where the next one goes (a nested function that moved a captured end
        // cost a runtime exclusivity check per part).
        return String(unsafeUninitializedCapacity: count) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var end = prefix.withUTF8Buffer { Self.copy($0, to: base) }
            end = account.withUTF8 { Self.copy($0, to: end) }
            end.pointee = UInt8(ascii: ":")
            end += 1
            end = type.withUTF8Buffer { Self.copy($0, to: end) }
            end = path.withUTF8 { Self.copy($0, to: end) }
            end = name.withUTF8 { Self.copy($0, to: end) }
            return end - base
        }
    }

    /// Copies `bytes` to `target` and returns the position after them.
    private static func copy(_ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return target }
        target.update(from: source, count: bytes.count)
        return target + bytes.count
    }

    /// How messages name an account: `account 'workload' (222222222222)` or the bare id.
    public func describeAccount(_ id: String) -> String {
        if let a = account(withID: id) { return "account '\(a.name)' (\(id))" }
        return "account \(id)"
    }
}

/// `IAMGraph.account(withID:)`'s index: the position of the first account with each id.
private enum AccountPositions: DerivedFact {
    typealias Value = [String: Int]
}
