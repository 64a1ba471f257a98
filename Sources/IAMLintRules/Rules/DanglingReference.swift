import IAMLintCore
import IAMLintModel

/// IAM403: a reference to a user, group or role that resolves to nothing, reported only where
/// that is certain:
/// - in a CloudFormation template, a `Ref` that names a resource of the template of another kind
///   (`Roles: [!Ref DeployUser]`): it deploys, and the attachment fails at run time;
/// - in a raw Terraform state (`.tfstate`, which lists everything it manages) that manages users,
///   groups or roles itself, a literal name of that kind that no scanned file defines (a state
///   that manages none, only attachments, works on entities managed elsewhere).
///
/// A `Ref` to a name the template does not declare at all cannot be told from one to a parameter
/// without default in the model, so it is left alone; so are literal names in templates and plans
/// (they may live in another stack) and AWS's own roles (service-linked, SSO).
public struct DanglingReference: Rule {
    public static let code = "IAM403"
    public static let asksDerivedFacts = false
    public init() {}

    struct Site {
        var kind: EntityKind
        var reference: Reference
        /// The entity that holds the reference, for messages: `policy 'Deploy'`.
        var owner: String
        var provenance: Provenance
        /// The property or attribute the reference is written in, index included.
        var attribute: String
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        // The kinds of principal each file declares: spelt when a Terraform state first needs them.
        var managedKindsMade: Set<String>?
        func managedKinds() -> Set<String> {
            if let managedKindsMade { return managedKindsMade }
            var made = Set<String>()
            for p in graph.principals { made.insert("\(p.provenance.file)\u{0}\(p.kind.rawValue)") }
            managedKindsMade = made
            return made
        }
        var findings: [Finding] = []
        var declared = DeclaredKinds.Lookup.searching(0)
        for site in sites(graph) {
            let file = site.provenance.file
            guard graph.resolve(site.reference, kind: site.kind, from: file).isEmpty else { continue }
            let at = site.provenance.child(site.attribute, range: site.reference.range)
            if isCloudFormation(site.provenance) {
                guard let name = Self.plainRefName(site.reference), let actual = declaredKind(of: name, in: file, &declared, graph) else { continue }
                findings.append(context.finding(
                    Message.wrongKind(owner: site.owner, kind: site.kind, name: name, actual: actual), at: at,
                    subject: "\(site.owner) \(site.kind.rawValue) \(name)"))
            } else {
                guard file.hasSuffix(".tfstate"), managedKinds().contains("\(file)\u{0}\(site.kind.rawValue)"),
                      !site.reference.isSymbolic, !site.reference.value.containsUTF8("${"),
                      !site.reference.value.isEmpty, !Self.isAWSOwned(site.reference.value) else { continue }
                let name = ARN(site.reference.value).map { ARN.lastPathComponent($0.resource) } ?? site.reference.value
                findings.append(context.finding(
                    Message.notInState(owner: site.owner, kind: site.kind, name: name), at: at,
                    subject: "\(site.owner) \(site.kind.rawValue) \(name)"))
            }
        }
        return findings
    }

    private func isCloudFormation(_ provenance: Provenance) -> Bool {
        provenance.logicalPath.hasPrefix("Resources.")
    }

    /// `X` for a reference that is exactly `${X}` with a plain logical id.
    static func plainRefName(_ reference: Reference) -> String? {
        let value = reference.value
        guard reference.isSymbolic, value.hasPrefix("${"), value.hasSuffix("}") else { return nil }
        let name = value.dropFirst(2).dropLast()
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }) else { return nil }
        return String(name)
    }

    /// What the template declares under the logical id `name`, if the model knows it: the
    /// first of principals, policies, instance profiles, access keys, group memberships and
    /// other inventory declared at `Resources.<name>` of the file. The first few questions
    /// search the entities; after that an index of every entity's place answers (built once),
    /// so that many dangling references do not each search the whole scan.
    private func declaredKind(of name: String, in file: String, _ declared: inout DeclaredKinds.Lookup, _ graph: IAMGraph) -> String? {
        let logicalPath = "Resources.\(name)"
        switch declared {
        case .searching(let asked) where asked < DeclaredKinds.searchesBeforeIndexing:
            declared = .searching(asked + 1)
            return DeclaredKinds.search(file: file, logicalPath: logicalPath, graph)
        case .searching:
            let index = DeclaredKinds(graph)
            declared = .indexed(index)
            return index.kinds[DeclaredKinds.Place(file: file, logicalPath: logicalPath)]
        case .indexed(let index):
            return index.kinds[DeclaredKinds.Place(file: file, logicalPath: logicalPath)]
        }
    }

    /// What each place of each file declares, as `declaredKind` names it.
    struct DeclaredKinds {
        enum Lookup {
            case searching(Int)
            case indexed(DeclaredKinds)
        }

        static let searchesBeforeIndexing = 16

        /// One question answered by searching the entities in order.
        static func search(file: String, logicalPath: String, _ graph: IAMGraph) -> String? {
            func at(_ provenance: Provenance) -> Bool { provenance.file == file && provenance.logicalPath == logicalPath }
            if let p = graph.principals.first(where: { at($0.provenance) }) { return p.kind.rawValue }
            if let policy = graph.policies.first(where: { at($0.provenance) }) { return policy.isManaged ? "managed policy" : "policy" }
            if graph.instanceProfiles.contains(where: { at($0.provenance) }) { return "instance profile" }
            if graph.accessKeys.contains(where: { at($0.provenance) }) { return "access key" }
            if graph.memberships.contains(where: { at($0.provenance) }) { return "group membership" }
            return graph.inventory.first(where: { at($0.provenance) })?.sourceType
        }

        struct Place: Hashable {
            var file: String
            var logicalPath: String
        }

        private(set) var kinds: [Place: String] = [:]

        init(_ graph: IAMGraph) {
            func add(_ provenance: Provenance, _ kind: String) {
                let place = Place(file: provenance.file, logicalPath: provenance.logicalPath)
                if kinds[place] == nil { kinds[place] = kind }
            }
            for p in graph.principals { add(p.provenance, p.kind.rawValue) }
            for policy in graph.policies { add(policy.provenance, policy.isManaged ? "managed policy" : "policy") }
            for profile in graph.instanceProfiles { add(profile.provenance, "instance profile") }
            for key in graph.accessKeys { add(key.provenance, "access key") }
            for membership in graph.memberships { add(membership.provenance, "group membership") }
            for item in graph.inventory { add(item.provenance, item.sourceType) }
        }
    }

    /// Names AWS creates itself: service-linked roles and IAM Identity Center roles.
    static func isAWSOwned(_ name: String) -> Bool {
        let last = ARN(name).map { ARN.lastPathComponent($0.resource) } ?? name
        return last.hasPrefix("AWSServiceRoleFor") || last.hasPrefix("AWSReservedSSO_") || name.contains("/aws-service-role/")
    }

    /// Every reference to a user, group or role, with where it is written.
    private func sites(_ graph: IAMGraph) -> [Site] {
        var sites: [Site] = []
        for policy in graph.policies {
            let cfn = isCloudFormation(policy.provenance)
            let owner = "\(policy.isManaged ? "managed policy" : "policy") '\(policy.displayName)'"
            let paths = policy.attachmentPaths
            let lists: [(EntityKind, [Reference], String, String)] = [
                (.role, policy.roles, paths.roles, "role"), (.user, policy.users, paths.users, "user"), (.group, policy.groups, paths.groups, "group"),
            ]
            for (kind, refs, path, single) in lists {
                for (i, ref) in refs.enumerated() {
                    let attribute = cfn ? (policy.attachmentPathsAreLists ? "\(path)[\(i)]" : path) : single
                    sites.append(Site(kind: kind, reference: ref, owner: owner, provenance: policy.provenance, attribute: attribute))
                }
            }
        }
        for attachment in graph.attachments {
            let address = attachment.provenance.logicalPath
            let plural = address.contains("aws_iam_policy_attachment.")
            let lists: [(EntityKind, [Reference], String)] = [(.role, attachment.roles, "role"), (.user, attachment.users, "user"), (.group, attachment.groups, "group")]
            for (kind, refs, name) in lists {
                for (i, ref) in refs.enumerated() {
                    sites.append(Site(kind: kind, reference: ref, owner: "attachment '\(address)'", provenance: attachment.provenance,
                                      attribute: plural ? "\(name)s[\(i)]" : name))
                }
            }
        }
        for membership in graph.memberships {
            let cfn = isCloudFormation(membership.provenance)
            let owner = "group membership '\(Self.entityName(membership.provenance))'"
            let userToGroups = membership.provenance.logicalPath.contains("aws_iam_user_group_membership.")
            sites.append(Site(kind: .group, reference: membership.group, owner: owner, provenance: membership.provenance,
                              attribute: cfn ? "Properties.GroupName" : userToGroups ? "groups" : "group"))
            for (i, user) in membership.users.enumerated() {
                sites.append(Site(kind: .user, reference: user, owner: owner, provenance: membership.provenance,
                                  attribute: cfn ? "Properties.Users[\(i)]" : userToGroups ? "user" : "users[\(i)]"))
            }
        }
        for user in graph.principals where user.kind == .user {
            for (i, group) in user.groups.enumerated() {
                sites.append(Site(kind: .group, reference: group, owner: "user '\(user.displayName)'", provenance: user.provenance,
                                  attribute: isCloudFormation(user.provenance) ? "Properties.Groups[\(i)]" : "groups[\(i)]"))
            }
        }
        for profile in graph.instanceProfiles {
            let cfn = isCloudFormation(profile.provenance)
            let name = profile.explicitName.flatMap { $0.isSymbolic ? nil : $0.value } ?? profile.logicalName
            for (i, role) in profile.roles.enumerated() {
                sites.append(Site(kind: .role, reference: role, owner: "instance profile '\(name)'", provenance: profile.provenance,
                                  attribute: cfn ? "Properties.Roles[\(i)]" : "role"))
            }
        }
        for key in graph.accessKeys {
            sites.append(Site(kind: .user, reference: key.user, owner: "access key '\(key.logicalName)'", provenance: key.provenance,
                              attribute: isCloudFormation(key.provenance) ? "Properties.UserName" : "user"))
        }
        return sites
    }

    /// The logical id or address of the entity a provenance belongs to.
    static func entityName(_ provenance: Provenance) -> String {
        let path = provenance.logicalPath
        return path.hasPrefix("Resources.") ? String(path.dropFirst("Resources.".count)) : path
    }

    enum Message {
        static func wrongKind(owner: String, kind: EntityKind, name: String, actual: String) -> String {
            "\(owner) refers to '\(name)' as a \(kind.rawValue), but '\(name)' is a \(actual) of this template; the reference resolves to no \(kind.rawValue)"
        }

        static func notInState(owner: String, kind: EntityKind, name: String) -> String {
            "\(owner) refers to \(kind.rawValue) '\(name)', which neither this state nor any other scanned file defines"
        }
    }
}
