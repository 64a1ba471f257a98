import IAMLintCore
import IAMLintModel

// Shared helpers of the AWS CLI profile rules (IAM302–IAM308): one user's setup per directory,
// botocore's view of a profile, and the repository's role that a `role_arn` names.

extension CLIProfile {
    /// Where the value of `key` is written.
    func provenance(of key: String) -> Provenance? {
        properties[key].map { provenance.child(key, range: $0.range) }
    }
}

/// A profile as the SDKs see it: the sections that define it in the config and credentials files
/// of one directory, merged (the credentials file wins for a key set in both).
struct MergedCLIProfile {
    var name: String
    /// The sections, config files first.
    var sections: [CLIProfile]

    /// The section that supplies `key` (the last one that sets it).
    func section(for key: String) -> CLIProfile? {
        sections.last { $0.properties[key] != nil }
    }

    subscript(key: String) -> PolicyText? { section(for: key)?.properties[key] }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// Where the value of `key` is written.
    func provenance(of key: String) -> Provenance? { section(for: key)?.provenance(of: key) }

    /// The first header that defines the profile.
    var provenance: Provenance { sections[0].provenance }

    /// botocore's `_has_static_credentials`: either key of a static key pair.
    var hasStaticKeys: Bool { has("aws_access_key_id") || has("aws_secret_access_key") }

    /// botocore's `_has_assume_role_config_vars`: `role_arn` without `web_identity_token_file`.
    var assumesRole: Bool { has("role_arn") && !has("web_identity_token_file") }

    /// `role_arn` with `web_identity_token_file`: AssumeRoleWithWebIdentity.
    var usesWebIdentity: Bool { has("role_arn") && has("web_identity_token_file") }

    /// Any SSO setting (`sso_session` or the legacy `sso_start_url` form).
    var usesSSO: Bool { ["sso_session", "sso_start_url", "sso_account_id", "sso_role_name"].contains { has($0) } }

    /// Whether a profile that is not an assume-role profile yields credentials through one of
    /// botocore's profile providers (web identity, SSO, static keys, `credential_process`).
    var providesCredentialsItself: Bool {
        hasStaticKeys || providesCredentialsOtherThanStaticKeys
    }

    /// Whether the profile yields credentials through something other than a static key pair.
    /// A `web_identity_token_file` without `role_arn` counts: botocore also takes the role from
    /// `AWS_ROLE_ARN`.
    var providesCredentialsOtherThanStaticKeys: Bool {
        has("web_identity_token_file") || usesSSO || has("credential_process")
    }
}

/// The profiles of one directory's `config` and `credentials` files: one user's setup. Files in
/// different directories belong to different setups and never see each other's profiles.
struct CLIProfileSet {
    var directory: String
    /// Profile names in a stable order: config files first, in file order.
    var order: [String]
    var profiles: [String: MergedCLIProfile]
    /// `[sso-session NAME]` sections by session name (the first definition).
    var ssoSessions: [String: CLIProfile]
    var hasCredentialsFile: Bool

    /// The profiles in `order`.
    var orderedProfiles: [MergedCLIProfile] { order.compactMap { profiles[$0] } }

    /// Groups the graph's profiles by directory, each directory's config files before its
    /// credentials files, so that a key in the credentials file wins as it does for the SDKs.
    static func sets(in graph: IAMGraph) -> [CLIProfileSet] {
        var byDirectory: [String: [CLIProfile]] = [:]
        for profile in graph.profiles + graph.ssoSessions {
            byDirectory[directory(of: profile.provenance.file), default: []].append(profile)
        }
        return byDirectory.keys.sorted().map { dir in
            let sections = (byDirectory[dir] ?? []).enumerated().sorted { a, b in
                let ka = (a.element.source == .config ? 0 : 1, a.element.provenance.file, a.offset)
                let kb = (b.element.source == .config ? 0 : 1, b.element.provenance.file, b.offset)
                return ka < kb
            }.map(\.element)
            var set = CLIProfileSet(directory: dir, order: [], profiles: [:], ssoSessions: [:],
                                    hasCredentialsFile: sections.contains { $0.source == .credentials })
            for section in sections {
                if section.kind == .ssoSession {
                    if set.ssoSessions[section.name] == nil { set.ssoSessions[section.name] = section }
                    continue
                }
                if set.profiles[section.name] == nil {
                    set.order.append(section.name)
                    set.profiles[section.name] = MergedCLIProfile(name: section.name, sections: [section])
                } else {
                    set.profiles[section.name]?.sections.append(section)
                }
            }
            return set
        }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return String(file[..<slash])
    }
}

/// The parts of an IAM role ARN: `arn:<partition>:iam::<account>:role/<path><name>`.
struct RoleARNParts: Equatable {
    var partition: String
    var account: String
    /// `/` or `/path/`.
    var path: String
    var name: String

    init?(_ text: String) {
        guard let arn = ARN(text), arn.service == "iam", arn.region.isEmpty, arn.resource.hasPrefix("role/") else { return nil }
        let rest = arn.resource.dropFirst("role/".count)
        guard let slash = rest.lastIndex(of: "/") else {
            guard !rest.isEmpty else { return nil }
            (partition, account, path, name) = (arn.partition, arn.account, "/", String(rest))
            return
        }
        let name = rest[rest.index(after: slash)...]
        guard !name.isEmpty else { return nil }
        (partition, account, path, self.name) = (arn.partition, arn.account, "/" + rest[..<slash] + "/", String(name))
    }

    /// True for a literal 12-digit account id.
    static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// Who calls STS for a profile's hop, as far as the files tell.
enum ProfileCaller: Equatable {
    /// A session of a known role (the source profile's own `role_arn`).
    case role(account: String, name: String, via: String)
    /// Some principal of a known account (an SSO permission set of `sso_account_id`).
    case account(String, via: String)
    /// Long-term or machine credentials whose principal cannot be known (static keys,
    /// `credential_process`, `credential_source`).
    case unknownAWS(via: String)
    /// A web identity token (`web_identity_token_file`).
    case webIdentity
    /// The chain is broken or unreadable (IAM302's business).
    case unknown

    /// How messages name the caller.
    var description: String {
        switch self {
        case .role(let account, let name, let via): return "role '\(name)' of account \(account) (\(via))"
        case .account(let account, let via): return "account \(account) (\(via))"
        case .unknownAWS(let via): return via
        case .webIdentity: return "a web identity token"
        case .unknown: return "an unknown principal"
        }
    }
}

extension CLIProfileSet {
    /// The caller of `profile`'s assume-role hop: what botocore would use as source credentials.
    func caller(of profile: MergedCLIProfile) -> ProfileCaller {
        if profile.usesWebIdentity { return .webIdentity }
        guard profile.assumesRole else { return .unknown }
        let source = profile["source_profile"]?.value
        let credentialSource = profile["credential_source"]?.value
        if let credentialSource, source == nil {
            return .unknownAWS(via: "credential_source \(credentialSource)")
        }
        guard let source, credentialSource == nil, let sourceProfile = profiles[source] else { return .unknown }
        if source == profile.name {
            return sourceProfile.hasStaticKeys ? .unknownAWS(via: "the static keys of profile '\(source)'") : .unknown
        }
        if sourceProfile.hasStaticKeys { return .unknownAWS(via: "the static keys of profile '\(source)'") }
        if sourceProfile.has("role_arn") {
            guard let arn = sourceProfile["role_arn"].flatMap({ RoleARNParts($0.value) }) else { return .unknown }
            return .role(account: arn.account, name: arn.name, via: "source profile '\(source)'")
        }
        if sourceProfile.usesSSO {
            if let account = ssoAccount(of: sourceProfile) { return .account(account, via: "SSO of source profile '\(source)'") }
            return .unknown
        }
        if sourceProfile.has("credential_process") {
            return .unknownAWS(via: "the credential_process of profile '\(source)'")
        }
        return .unknown
    }

    private func ssoAccount(of profile: MergedCLIProfile) -> String? {
        guard let account = profile["sso_account_id"]?.value, RoleARNParts.isAccountID(account) else { return nil }
        return account
    }

    /// The profile whose hop `profile` continues from: its `source_profile` when it exists.
    func sourceProfile(of profile: MergedCLIProfile) -> MergedCLIProfile? {
        profile["source_profile"].flatMap { profiles[$0.value] }
    }
}

extension IAMGraph {
    /// The roles of the graph that a literal role ARN names: same role name (ignoring case),
    /// and the same account when both the ARN and the role state a literal one. Roles whose
    /// account is stated and equal win over roles whose account is unknown.
    func rolesNamed(byARN text: String) -> [Int] {
        guard let arn = RoleARNParts(text), !text.contains("${") else { return [] }
        let arnAccount = RoleARNParts.isAccountID(arn.account) ? arn.account : nil
        var exact: [Int] = []
        var unknownAccount: [Int] = []
        for (index, role) in principals.enumerated() where role.kind == .role {
            guard let name = role.explicitName, !name.isSymbolic, name.value.lowercased() == arn.name.lowercased() else { continue }
            let account = accountID(of: index).flatMap { RoleARNParts.isAccountID($0) ? $0 : nil }
            switch (account, arnAccount) {
            case let (a?, b?):
                if a == b { exact.append(index) }
            default:
                unknownAccount.append(index)
            }
        }
        return exact.isEmpty ? unknownAccount : exact
    }

    /// The literal account a role lives in, when known.
    func literalAccount(ofRole index: Int) -> String? {
        accountID(of: index).flatMap { RoleARNParts.isAccountID($0) ? $0 : nil }
    }
}

/// How a role's trust policy meets a profile's caller.
enum ProfileTrust {
    /// The Allow statements of `trust` that may admit `caller` to `sts:AssumeRole` (or
    /// `sts:AssumeRoleWithWebIdentity` for a web identity caller). Unknown or symbolic parts
    /// count as admitting: a statement is left out only when it certainly does not apply.
    static func admittingStatements(_ trust: PolicyDocument, caller: ProfileCaller, roleAccount: String?) -> [Statement] {
        let action = caller == .webIdentity ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole"
        return trust.statements.filter { statement in
            guard statement.effect == .allow, statement.covers(action: action) else { return false }
            if statement.isNotPrincipal { return true }
            return statement.principals.contains { admits($0, caller: caller, roleAccount: roleAccount) }
        }
    }

    /// Whether one principal entry may admit the caller.
    static func admits(_ entry: PrincipalEntry, caller: ProfileCaller, roleAccount: String?) -> Bool {
        switch entry.kind {
        case .anyone: return true
        case .federated: return caller == .webIdentity
        case .service, .canonicalUser: return false
        case .aws: break
        }
        if entry.text.value == "*" { return true }
        switch caller {
        case .webIdentity: return false
        case .unknownAWS, .unknown: return true
        case .role, .account: break
        }
        let callerAccount: String
        var callerRole: String?
        switch caller {
        case .role(let account, let name, _): (callerAccount, callerRole) = (account, name)
        case .account(let account, _): callerAccount = account
        default: return true
        }
        func sameAccount(_ account: String) -> Bool {
            if account == "${AWS::AccountId}", let roleAccount { return roleAccount == callerAccount }
            if !RoleARNParts.isAccountID(account) || !RoleARNParts.isAccountID(callerAccount) { return true }
            return account == callerAccount
        }
        switch entry.identity {
        case .anyone: return true
        case .account(let account): return sameAccount(account)
        case .role(let account, let name), .assumedRole(let account, let name):
            guard sameAccount(account) else { return false }
            guard let callerRole else { return true }
            return name.contains("$") || name.contains("*") || name.lowercased() == callerRole.lowercased()
        case .user: return false
        case .service, .federated: return false
        case .other: return true
        }
    }

    /// True when the statement demands an external id: `StringEquals`/`StringLike` (or
    /// `Null false`) on `sts:ExternalId`, without `IfExists`.
    static func requiresExternalID(_ statement: Statement) -> Bool {
        statement.conditions.contains { clause in
            guard clause.normalizedKey == "sts:externalid", !clause.ifExists else { return false }
            var op = clause.baseOperator
            if op.hasPrefix("forallvalues:") { return false }
            if op.hasPrefix("foranyvalue:") { op = String(op.dropFirst("foranyvalue:".count)) }
            if op == "null" { return clause.values.contains { $0.value.lowercased() == "false" } }
            return op.hasPrefix("string") && !op.contains("not")
        }
    }
}

/// A profile that assumes a role the repository defines: the edge from the profile's source
/// to the role, with what the files tell about its caller.
struct ProfileRoleHop {
    var set: CLIProfileSet
    var profile: MergedCLIProfile
    var roleArn: PolicyText
    /// Where `role_arn` is written.
    var at: Provenance
    /// The repository's roles the ARN names (never empty).
    var roles: [Int]
    var caller: ProfileCaller

    /// Every profile with a `role_arn` that names a role of the graph, in a stable order.
    static func all(in graph: IAMGraph) -> [ProfileRoleHop] {
        var hops: [ProfileRoleHop] = []
        for set in CLIProfileSet.sets(in: graph) {
            for profile in set.orderedProfiles where profile.has("role_arn") {
                guard let arn = profile["role_arn"], let at = profile.provenance(of: "role_arn") else { continue }
                let roles = graph.rolesNamed(byARN: arn.value)
                guard !roles.isEmpty else { continue }
                hops.append(ProfileRoleHop(set: set, profile: profile, roleArn: arn, at: at, roles: roles, caller: set.caller(of: profile)))
            }
        }
        return hops
    }

    /// The trust statements of `role` that may admit this hop's caller; nil when the trust
    /// policy is not known.
    func admitting(_ graph: IAMGraph, role: Int) -> [Statement]? {
        guard let trust = graph.principals[role].trustPolicy else { return nil }
        return ProfileTrust.admittingStatements(trust, caller: caller, roleAccount: graph.literalAccount(ofRole: role))
    }
}
