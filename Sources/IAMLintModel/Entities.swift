import IAMLintCore

/// The kinds of IAM entity the graph holds. Names are unique per kind within an account.
public enum EntityKind: String, Sendable, Hashable, CaseIterable {
    case user
    case group
    case role
    case managedPolicy = "managed policy"
    case instanceProfile = "instance profile"
}

/// How a model element refers to a principal or policy: its name (resolved or symbolic), with range.
public typealias Reference = PolicyText

/// An IAM user, group or role as declared in one file.
public struct Principal: Sendable {
    // Stored in one shared, copy-on-write object: graph building and rules copy principals
    // freely, and each copy is one reference.
    private var storage: Storage

    // The one-byte fields and a list's run are declared right after `explicitName`, in the
    // padding its 33 bytes leave before the next 8-byte boundary, the other run after the
    // provenance's 28 bytes, and the fields few principals set are kept apart in `Rare`: an
    // organisation holds hundreds of thousands. The logical name is not kept when it is the
    // key of the provenance's last step (a CloudFormation resource's path is
    // `Resources.<logical id>`), and the groups (users only) are rare: 120 bytes an object,
    // which malloc rounds to 128 (with both here, 144 rounded to 160). The inline policies and
    // managed policy ARNs are runs of lists the principals of a file share (`SharedList`): an
    // array of its own per principal was 32 bytes of header and 16 of malloc overhead, more
    // than its one or two elements.
    // Read-mostly, written only through `unique()` (and `rare`'s fields only through
    // `rareForWriting()`, on a `Rare` no other storage holds): no runtime exclusivity check on
    // the reads (see `Statement`'s storage in Statement.swift).
    private final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var explicitName: PolicyText?
        @exclusivity(unchecked) var kind: EntityKind
        @exclusivity(unchecked) var hasLoginProfile: Bool
        /// The run of `inlinePolicyList` that is this principal's (`SharedList.packedRun`).
        @exclusivity(unchecked) var inlinePolicyRun: UInt32
        @exclusivity(unchecked) var provenance: Provenance
        /// The run of `managedPolicyArnList` that is this principal's.
        @exclusivity(unchecked) var managedPolicyArnRun: UInt32
        @exclusivity(unchecked) var trustPolicy: PolicyDocument?
        @exclusivity(unchecked) var managedPolicyArnList: [PolicyText]
        @exclusivity(unchecked) var inlinePolicyList: [NamedPolicy]
        @exclusivity(unchecked) var rare: Rare? = nil

        init(
            kind: EntityKind, explicitName: PolicyText?, provenance: Provenance, trustPolicy: PolicyDocument?,
            inlinePolicies: SharedList<NamedPolicy>, managedPolicyArns: SharedList<PolicyText>, hasLoginProfile: Bool
        ) {
            self.kind = kind
            self.explicitName = explicitName
            self.provenance = provenance
            self.trustPolicy = trustPolicy
            (inlinePolicyList, inlinePolicyRun) = inlinePolicies.packed
            (managedPolicyArnList, managedPolicyArnRun) = managedPolicyArns.packed
            self.hasLoginProfile = hasLoginProfile
        }

        var inlinePolicies: SharedList<NamedPolicy> {
            get { SharedList(list: inlinePolicyList, packedRun: inlinePolicyRun) }
            set { (inlinePolicyList, inlinePolicyRun) = newValue.packed }
        }

        var managedPolicyArns: SharedList<PolicyText> {
            get { SharedList(list: managedPolicyArnList, packedRun: managedPolicyArnRun) }
            set { (managedPolicyArnList, managedPolicyArnRun) = newValue.packed }
        }

        func copy() -> Storage {
            let copy = Storage(
                kind: kind, explicitName: explicitName, provenance: provenance, trustPolicy: trustPolicy,
                inlinePolicies: inlinePolicies, managedPolicyArns: managedPolicyArns, hasLoginProfile: hasLoginProfile
            )
            copy.rare = rare
            return copy
        }

        /// `rare`, made if needed and not shared with another storage, for writing.
        func rareForWriting() -> Rare {
            guard let current = rare else {
                let made = Rare()
                rare = made
                return made
            }
            if isKnownUniquelyReferenced(&rare) { return current }
            let copy = current.copy()
            rare = copy
            return copy
        }
    }

    /// The fields few principals set (IAM paths other than `/`, Terraform paths, stated
    /// accounts, implicit roles, permissions boundaries, groups, a logical name that is not the
    /// provenance's last key), copied on write like `Storage`.
    private final class Rare: @unchecked Sendable {
        static let defaultManagedPolicyArnsPath = "Properties.ManagedPolicyArns"
        static let defaultPath = "/"

        @exclusivity(unchecked) var path: String = Rare.defaultPath
        @exclusivity(unchecked) var managedPolicyArnsPath: String = Rare.defaultManagedPolicyArnsPath
        @exclusivity(unchecked) var account: String? = nil
        @exclusivity(unchecked) var implicitOrigin: String? = nil
        @exclusivity(unchecked) var permissionsBoundary: PolicyText? = nil
        @exclusivity(unchecked) var groups: [Reference] = []
        /// The logical name when it is not `provenance`'s last key.
        @exclusivity(unchecked) var logicalName: String? = nil

        func copy() -> Rare {
            let copy = Rare()
            copy.path = path
            copy.managedPolicyArnsPath = managedPolicyArnsPath
            copy.account = account
            copy.implicitOrigin = implicitOrigin
            copy.permissionsBoundary = permissionsBoundary
            copy.groups = groups
            copy.logicalName = logicalName
            return copy
        }
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public var kind: EntityKind {
        get { storage.kind }
        set { unique().kind = newValue }
        _modify { yield &unique().kind }
    }

    /// The explicit name (`RoleName`, `UserName`, `GroupName`), if the file gives one.
    public var explicitName: PolicyText? {
        get { storage.explicitName }
        set { unique().explicitName = newValue }
        _modify { yield &unique().explicitName }
    }

    /// The resource's own name in its file: a CloudFormation logical id or a Terraform address.
    public var logicalName: String {
        get {
            if let rare = storage.rare, let name = rare.logicalName { return name }
            return storage.provenance.lastKey ?? ""
        }
        set { keep(logicalName: newValue, provenance: storage.provenance) }
    }

    /// Keeps `name` as the logical name of a principal whose provenance is `provenance`: in
    /// `Rare` unless it is the provenance's last key.
    private mutating func keep(logicalName name: String, provenance: Provenance) {
        if provenance.lastKey == name {
            guard let rare = storage.rare, rare.logicalName != nil else { return }
            unique().rareForWriting().logicalName = nil
        } else {
            unique().rareForWriting().logicalName = name
        }
    }

    /// The IAM path (`/`, `/division/`).
    public var path: String {
        get { storage.rare?.path ?? Rare.defaultPath }
        set {
            if storage.rare == nil, newValue == Rare.defaultPath { return }
            unique().rareForWriting().path = newValue
        }
    }

    public var provenance: Provenance {
        get { storage.provenance }
        set {
            let name = logicalName
            unique().provenance = newValue
            keep(logicalName: name, provenance: newValue)
        }
    }

    /// Roles only: the trust (assume-role) policy.
    public var trustPolicy: PolicyDocument? {
        get { storage.trustPolicy }
        set { unique().trustPolicy = newValue }
        _modify { yield &unique().trustPolicy }
    }

    /// Policies written into the principal itself (`Policies`).
    public var inlinePolicies: SharedList<NamedPolicy> {
        get { storage.inlinePolicies }
        set { unique().inlinePolicies = newValue }
    }

    /// `ManagedPolicyArns` entries.
    public var managedPolicyArns: SharedList<PolicyText> {
        get { storage.managedPolicyArns }
        set { unique().managedPolicyArns = newValue }
    }

    /// The logical path of the managed-policy list inside the resource (`Properties.ManagedPolicyArns`).
    public var managedPolicyArnsPath: String {
        get { storage.rare?.managedPolicyArnsPath ?? Rare.defaultManagedPolicyArnsPath }
        set {
            if storage.rare == nil, newValue == Rare.defaultManagedPolicyArnsPath { return }
            unique().rareForWriting().managedPolicyArnsPath = newValue
        }
    }

    /// Users only: `Groups` entries.
    public var groups: [Reference] {
        get { storage.rare?.groups ?? [] }
        set {
            if storage.rare == nil, newValue.isEmpty { return }
            unique().rareForWriting().groups = newValue
        }
    }

    /// Users only: whether a console password (`LoginProfile`) is set.
    public var hasLoginProfile: Bool {
        get { storage.hasLoginProfile }
        set { unique().hasLoginProfile = newValue }
        _modify { yield &unique().hasLoginProfile }
    }

    /// The account the principal lives in when the file states it (a Terraform ARN); nil means
    /// the account the file deploys to.
    public var account: String? {
        get { storage.rare?.account }
        set {
            if storage.rare == nil, newValue == nil { return }
            unique().rareForWriting().account = newValue
        }
    }

    /// Set for roles that no file declares but AWS creates (the `OrganizationAccountAccessRole`
    /// of an account made through AWS Organizations): says where they come from.
    public var implicitOrigin: String? {
        get { storage.rare?.implicitOrigin }
        set {
            if storage.rare == nil, newValue == nil { return }
            unique().rareForWriting().implicitOrigin = newValue
        }
    }

    /// Roles and users: the managed policy ARN set as the permissions boundary
    /// (`PermissionsBoundary`, `permissions_boundary`), if any.
    public var permissionsBoundary: PolicyText? {
        get { storage.rare?.permissionsBoundary }
        set {
            if storage.rare == nil, newValue == nil { return }
            unique().rareForWriting().permissionsBoundary = newValue
        }
    }

    public init(
        kind: EntityKind, explicitName: PolicyText?, logicalName: String, path: String = "/",
        provenance: Provenance, trustPolicy: PolicyDocument? = nil, inlinePolicies: SharedList<NamedPolicy> = [],
        managedPolicyArns: SharedList<PolicyText> = [], groups: [Reference] = [], hasLoginProfile: Bool = false
    ) {
        storage = Storage(
            kind: kind, explicitName: explicitName, provenance: provenance, trustPolicy: trustPolicy,
            inlinePolicies: inlinePolicies, managedPolicyArns: managedPolicyArns, hasLoginProfile: hasLoginProfile)
        keep(logicalName: logicalName, provenance: provenance)
        if path != Rare.defaultPath { self.path = path }
        if !groups.isEmpty { self.groups = groups }
    }

    /// The key references use: the explicit name, or `${LogicalName}` when the deployment generates one.
    public var referenceKey: String { explicitName?.value ?? "${\(logicalName)}" }

    /// The name to show in messages.
    public var displayName: String {
        if let name = explicitName, !name.isSymbolic { return name.value }
        return logicalName
    }

    /// The ARN the principal will have, with placeholders for what is unknown.
    public var arn: String {
        let type = kind == .role ? "role" : kind == .user ? "user" : "group"
        return "arn:${AWS::Partition}:iam::${AWS::AccountId}:\(type)\(path)\(referenceKey)"
    }
}

/// A principal's inline policies or managed policy ARNs, indexed from 0: a run of a list the
/// principals of one file share (the CloudFormation loader's), or a list of its own.
public struct SharedList<Element: Sendable>: RandomAccessCollection, Sendable, ExpressibleByArrayLiteral {
    let list: [Element]
    let start: Int
    public let count: Int

    public init(_ elements: [Element]) {
        list = elements
        start = 0
        count = elements.count
    }

    public init(arrayLiteral elements: Element...) {
        self.init(elements)
    }

    /// The elements of `list` in `run`.
    public init(_ list: [Element], run: Range<Int>) {
        precondition(run.lowerBound >= 0 && run.upperBound <= list.count, "SharedList run out of range")
        self.list = list
        start = run.lowerBound
        count = run.count
    }

    /// The run `packedRun` of `list` (`packed`).
    init(list: [Element], packedRun: UInt32) {
        self.list = list
        start = Int(packedRun & 0xFF_FFFF)
        let stored = Int(packedRun >> 24)
        count = stored == 0xFF ? list.count - start : stored
    }

    /// The list and the run as 32 bits: the start in the low 24, the count in the high 8 (all
    /// ones: the rest of the list). A run that does not fit is copied into a list of its own.
    var packed: ([Element], UInt32) {
        if start < 1 << 24, count < 0xFF { return (list, UInt32(count) << 24 | UInt32(start)) }
        return (Array(self), 0xFF << 24)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "SharedList index out of range")
        return list[start + position]
    }

    public mutating func removeAll(where shouldBeRemoved: (Element) throws -> Bool) rethrows {
        self = SharedList(try filter { try !shouldBeRemoved($0) })
    }
}

/// A policy document with the name it goes by.
public struct NamedPolicy: Sendable {
    public var name: String
    public var document: PolicyDocument

    public init(name: String, document: PolicyDocument) {
        self.name = name
        self.document = document
    }
}

/// A policy declared on its own (`AWS::IAM::ManagedPolicy`, `AWS::IAM::Policy`, `RolePolicy`, …)
/// and the principals it is attached to.
public struct StandalonePolicy: Sendable {
    public var isManaged: Bool
    public var explicitName: PolicyText?
    public var logicalName: String
    public var path: String
    public var document: PolicyDocument
    public var roles: [Reference]
    public var users: [Reference]
    public var groups: [Reference]
    public var provenance: Provenance
    /// How the attachment lists are named inside the resource: `Properties.Roles` (CloudFormation)
    /// or `roles` (Terraform); indexes are appended.
    public var attachmentPaths: (roles: String, users: String, groups: String) = ("Properties.Roles", "Properties.Users", "Properties.Groups")
    /// False when each attachment path names a single value (`Properties.RoleName`), not a list.
    public var attachmentPathsAreLists = true

    public init(
        isManaged: Bool, explicitName: PolicyText?, logicalName: String, path: String = "/",
        document: PolicyDocument, roles: [Reference] = [], users: [Reference] = [], groups: [Reference] = [],
        provenance: Provenance
    ) {
        self.isManaged = isManaged
        self.explicitName = explicitName
        self.logicalName = logicalName
        self.path = path
        self.document = document
        self.roles = roles
        self.users = users
        self.groups = groups
        self.provenance = provenance
    }

    public var referenceKey: String { explicitName?.value ?? "${\(logicalName)}" }

    public var displayName: String {
        if let name = explicitName, !name.isSymbolic { return name.value }
        return logicalName
    }

    /// Managed policies only: the ARN it will have.
    public var arn: String { "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy\(path)\(referenceKey)" }
}

/// A managed policy attached by ARN to principals from outside both (Terraform's
/// `aws_iam_role_policy_attachment` and friends).
public struct PolicyAttachment: Sendable {
    public var policyArn: PolicyText
    public var roles: [Reference]
    public var users: [Reference]
    public var groups: [Reference]
    public var provenance: Provenance

    public init(policyArn: PolicyText, roles: [Reference] = [], users: [Reference] = [], groups: [Reference] = [], provenance: Provenance) {
        self.policyArn = policyArn
        self.roles = roles
        self.users = users
        self.groups = groups
        self.provenance = provenance
    }
}

/// `AWS::IAM::UserToGroupAddition`: users added to a group.
public struct GroupMembership: Sendable {
    public var group: Reference
    public var users: [Reference]
    public var provenance: Provenance

    public init(group: Reference, users: [Reference], provenance: Provenance) {
        self.group = group
        self.users = users
        self.provenance = provenance
    }
}

/// `AWS::IAM::InstanceProfile`.
public struct InstanceProfile: Sendable {
    public var explicitName: PolicyText?
    public var logicalName: String
    public var roles: [Reference]
    public var provenance: Provenance

    public init(explicitName: PolicyText?, logicalName: String, roles: [Reference], provenance: Provenance) {
        self.explicitName = explicitName
        self.logicalName = logicalName
        self.roles = roles
        self.provenance = provenance
    }
}

/// `AWS::IAM::AccessKey`: long-term credentials for a user.
public struct AccessKey: Sendable {
    public var user: Reference
    public var logicalName: String
    public var provenance: Provenance

    public init(user: Reference, logicalName: String, provenance: Provenance) {
        self.user = user
        self.logicalName = logicalName
        self.provenance = provenance
    }
}

/// A profile from an AWS CLI `config` or `credentials` file.
public struct CLIProfile: Sendable {
    public enum Source: String, Sendable { case config, credentials }
    /// A `[profile NAME]`/`[default]` section, or an `[sso-session NAME]` section of a config file
    /// (which profiles refer to with `sso_session`; it yields no credentials by itself).
    public enum Kind: String, Sendable { case profile, ssoSession = "sso-session" }
    /// The profile's or the session's name, without the `profile ` / `sso-session ` prefix.
    public var name: String
    public var kind: Kind
    public var source: Source
    /// Lower-cased keys to values; secret values are kept only as "present".
    public var properties: [String: PolicyText]
    public var provenance: Provenance

    public init(name: String, kind: Kind = .profile, source: Source, properties: [String: PolicyText], provenance: Provenance) {
        self.name = name
        self.kind = kind
        self.source = source
        self.properties = properties
        self.provenance = provenance
    }

    public subscript(key: String) -> PolicyText? { properties[key] }

    public static let credentialKeys = [
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "role_arn",
        "credential_process", "credential_source", "web_identity_token_file",
        "sso_start_url", "sso_session", "sso_account_id", "sso_role_name",
    ]

    /// The credential-bearing keys the profile sets, in a fixed order.
    public var credentialSettings: [String] {
        CLIProfile.credentialKeys.filter { properties[$0] != nil }
    }
}

/// A problem with the input itself (IAM0xx): it could not be parsed or read as intended.
public struct InputProblem: Sendable {
    public enum Kind: String, Sendable {
        case parseError
        case duplicateKey
        case limitExceeded
        /// A CloudFormation `Ref`, `Fn::GetAtt` or `Fn::Sub` variable names nothing the template declares.
        case undefinedReference
    }

    public var kind: Kind
    public var message: String
    public var provenance: Provenance
    public var related: [RelatedLocation]

    public init(kind: Kind, message: String, provenance: Provenance, related: [RelatedLocation] = []) {
        self.kind = kind
        self.message = message
        self.provenance = provenance
        self.related = related
    }
}

/// What a loader read from one file; the graph builder joins fragments into an `IAMGraph`.
public struct GraphFragment: Sendable {
    public var file: String
    public var principals: [Principal] = []
    public var policies: [StandalonePolicy] = []
    public var attachments: [PolicyAttachment] = []
    public var memberships: [GroupMembership] = []
    public var instanceProfiles: [InstanceProfile] = []
    public var accessKeys: [AccessKey] = []
    public var profiles: [CLIProfile] = []
    /// `[sso-session NAME]` sections of AWS CLI config files (kind `.ssoSession`).
    public var ssoSessions: [CLIProfile] = []
    public var problems: [InputProblem] = []
    public var suppressions: [Suppression] = []
    public var inventory: [InventoryItem] = []
    /// The CloudFormation parameters the file declares.
    public var parameters: [TemplateParameter] = []
    /// The account the file deploys to, when configured (a 12-digit id).
    public var account: String?
    /// The lines each entity (resource, profile) spans, so that a directive on its opening line covers it.
    public var entityLines: [ClosedRange<Int>] = []

    public init(file: String) {
        self.file = file
    }
}

/// An accepted finding declared in a file: an `iamlint:ignore` comment or CloudFormation
/// `Metadata: {iamlint: {ignore: [...]}}`. It covers `lines` of `file` for the named rules.
public struct Suppression: Sendable, Hashable {
    /// Rule codes or slugs, as written.
    public var rules: [String]
    public var reason: String
    public var lines: ClosedRange<Int>
    /// Where the directive itself is written.
    public var provenance: Provenance

    public init(rules: [String], reason: String, lines: ClosedRange<Int>, provenance: Provenance) {
        self.rules = rules
        self.reason = reason
        self.lines = lines
        self.provenance = provenance
    }
}

/// A resource that is not a principal or a policy but matters to the rules: trails, server
/// certificates, password policies, identity providers, organization accounts, login profiles,
/// outputs. Its properties are kept as resolved values; rules must never print secret ones.
public struct InventoryItem: Sendable {
    public enum Kind: String, Sendable, Hashable {
        case cloudTrail
        case serverCertificate
        case passwordPolicy
        case organizationAccount
        case oidcProvider
        case samlProvider
        case virtualMFADevice
        case loginProfile
        case accessKey
        case output
        case serverlessFunction
    }

    public var kind: Kind
    /// The source type: `AWS::CloudTrail::Trail`, `aws_cloudtrail`, `Outputs`.
    public var sourceType: String
    /// The logical id or Terraform address.
    public var logicalName: String
    public var properties: Value
    public var provenance: Provenance
    /// How property paths are written inside the resource: `Properties.` (CloudFormation) or `` (Terraform).
    public var propertyPrefix: String

    public init(kind: Kind, sourceType: String, logicalName: String, properties: Value, provenance: Provenance, propertyPrefix: String) {
        self.kind = kind
        self.sourceType = sourceType
        self.logicalName = logicalName
        self.properties = properties
        self.provenance = provenance
        self.propertyPrefix = propertyPrefix
    }

    /// The provenance of one property (`IsMultiRegionTrail`), at its value's range.
    public func property(_ name: String) -> (value: Value, provenance: Provenance)? {
        guard let entry = properties.entry(name) else { return nil }
        return (entry.value, provenance.child("\(propertyPrefix)\(name)", range: entry.value.range))
    }
}
