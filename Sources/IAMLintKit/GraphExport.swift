import IAMLintCore
import IAMLintModel

/// The principal/trust graph drawn for people: accounts as clusters; users, groups, roles,
/// account roots and profiles as nodes; "member of", "may assume" and "profile assumes" edges.
public struct GraphExport: Sendable {
    public struct Node: Sendable, Hashable {
        public enum Kind: String, Sendable { case user, group, role, accountRoot = "account-root", profile, external }
        public var id: String
        public var kind: Kind
        public var label: String
        /// The account cluster the node belongs to ("" when unknown).
        public var account: String
        public var isAdmin: Bool
        public var location: String
    }

    public struct Edge: Sendable, Hashable {
        public enum Kind: String, Sendable { case memberOf = "member-of", mayAssume = "may-assume", profileAssumes = "profile-assumes" }
        public var from: String
        public var to: String
        public var kind: Kind
        /// `MFA`, `no MFA`, `external id`, or empty for membership.
        public var label: String
    }

    public var nodes: [Node] = []
    public var edges: [Edge] = []
    /// Account id → display name, for cluster titles.
    public var accountNames: [String: String] = [:]

    public init(graph: IAMGraph) {
        for account in graph.accounts { accountNames[account.id] = account.name }
        var ids: [String: String] = [:]
        var used = Set<String>()
        func nodeID(_ key: String) -> String {
            if let id = ids[key] { return id }
            var base = "n_" + String(key.unicodeScalars.map { Character($0.properties.isAlphabetic || ("0"..."9").contains($0) ? $0 : "_") })
            if base.count > 60 { base = String(base.prefix(60)) }
            var id = base
            var n = 2
            while used.contains(id) { id = "\(base)_\(n)"; n += 1 }
            used.insert(id)
            ids[key] = id
            return id
        }
        func principalKey(_ i: Int) -> String { "p\(i)" }
        func rootKey(_ account: String) -> String { "root:\(account)" }
        var nodeIndex: [String: Node] = [:]
        func add(_ key: String, _ kind: Node.Kind, _ label: String, account: String, admin: Bool = false, location: String = "") {
            let id = nodeID(key)
            if nodeIndex[id] == nil {
                nodeIndex[id] = Node(id: id, kind: kind, label: label, account: account, isAdmin: admin, location: location)
            }
        }
        for (i, p) in graph.principals.enumerated() {
            let kind: Node.Kind = p.kind == .user ? .user : p.kind == .group ? .group : .role
            add(principalKey(i), kind, p.displayName, account: graph.accountID(of: i) ?? "",
                admin: graph.isAdministratorEquivalent(i), location: p.provenance.location.description)
        }
        var edgeSet = Set<Edge>()
        for (i, p) in graph.principals.enumerated() where p.kind == .user {
            for g in graph.groups(ofUser: i) {
                edgeSet.insert(Edge(from: nodeID(principalKey(i)), to: nodeID(principalKey(g)), kind: .memberOf, label: ""))
            }
        }
        for edge in graph.trustEdges {
            let roleAccount = graph.accountID(of: edge.role) ?? ""
            let label = edge.statement.requiresMFA ? "MFA"
                : edge.statement.conditions.contains { $0.normalizedKey == "sts:externalid" } ? "external id" : "no MFA"
            var sources: [String] = []
            switch edge.principal.identity {
            case .account(let id):
                let account = id == "${AWS::AccountId}" ? roleAccount : id
                add(rootKey(account), .accountRoot, "root", account: account)
                sources.append(nodeID(rootKey(account)))
            case .user(let account, let name), .role(let account, let name):
                let kind: EntityKind = { if case .user = edge.principal.identity { return .user } else { return .role } }()
                // The principals of that kind and name (the graph's name index), in its account.
                let matches = graph.principals(kind, named: name).filter { i in
                    guard let own = graph.accountID(of: i), !account.hasPrefix("${") else { return true }
                    return own == account
                }
                if matches.isEmpty {
                    add("ext:\(edge.principal.text.value)", .external, "\(kind.rawValue) \(name)", account: account)
                    sources.append(nodeID("ext:\(edge.principal.text.value)"))
                } else {
                    sources += matches.map { nodeID(principalKey($0)) }
                }
            case .anyone:
                add("anyone", .external, "anyone (*)", account: "")
                sources.append(nodeID("anyone"))
            case .service(let s):
                add("svc:\(s)", .external, s, account: "")
                sources.append(nodeID("svc:\(s)"))
            case .federated(let f):
                add("fed:\(f)", .external, f, account: "")
                sources.append(nodeID("fed:\(f)"))
            default:
                continue
            }
            for source in sources {
                edgeSet.insert(Edge(from: source, to: nodeID(principalKey(edge.role)), kind: .mayAssume, label: label))
            }
        }
        // Groups and users whose own policies allow assuming a role that trusts their account.
        for (i, p) in graph.principals.enumerated() where p.kind != .role {
            for grant in graph.grants[i] where grant.viaGroup == nil {
                for statement in grant.document?.statements ?? [] where statement.effect == .allow && statement.covers(action: "sts:AssumeRole") {
                    for r in graph.roles(coveredBy: statement) {
                        let admitting = graph.trustEdges(ofRole: r).filter { edge in
                            switch edge.principal.identity {
                            case .account(let id): return id == graph.accountID(of: i) || id == "${AWS::AccountId}"
                            case .user(_, let name): return p.kind == .user && name.lowercased() == p.referenceKey.lowercased()
                            case .anyone: return true
                            default: return false
                            }
                        }
                        guard let edge = admitting.first else { continue }
                        let label = admitting.contains { $0.statement.requiresMFA } && admitting.allSatisfy { $0.statement.requiresMFA } ? "MFA" : edge.statement.requiresMFA ? "MFA" : "no MFA"
                        edgeSet.insert(Edge(from: nodeID(principalKey(i)), to: nodeID(principalKey(r)), kind: .mayAssume, label: label))
                    }
                }
            }
        }
        for profile in graph.profiles where profile.name != "default" || profile["role_arn"] != nil {
            guard let roleArn = profile["role_arn"]?.value, let arn = ARN(roleArn) else { continue }
            let name = ARN.lastPathComponent(arn.resource)
            let key = "profile \(profile.name):\(profile.provenance.file)"
            add(key, .profile, "profile \(profile.name)", account: "", location: profile.provenance.location.description)
            let targets = graph.principals(.role, named: name).filter { graph.accountID(of: $0).map { $0 == arn.account } ?? true }
            let label = profile["mfa_serial"] != nil ? "MFA" : profile["external_id"] != nil ? "external id" : "no MFA"
            if targets.isEmpty {
                add("ext:\(roleArn)", .external, "role \(name)", account: arn.account)
                edgeSet.insert(Edge(from: nodeID(key), to: nodeID("ext:\(roleArn)"), kind: .profileAssumes, label: label))
            }
            for t in targets {
                edgeSet.insert(Edge(from: nodeID(key), to: nodeID(principalKey(t)), kind: .profileAssumes, label: label))
            }
        }
        nodes = nodeIndex.values.sorted { ($0.account, $0.kind.rawValue, $0.label, $0.id) < ($1.account, $1.kind.rawValue, $1.label, $1.id) }
        edges = edgeSet.sorted { ($0.from, $0.to, $0.kind.rawValue, $0.label) < ($1.from, $1.to, $1.kind.rawValue, $1.label) }
    }

    private func accountTitle(_ account: String) -> String {
        if account.isEmpty { return "" }
        if let name = accountNames[account] { return "\(name) (\(account))" }
        return account.hasPrefix("${") ? "this account" : "account \(account)"
    }

    private var clusters: [(account: String, nodes: [Node])] {
        let grouped = Dictionary(grouping: nodes, by: \.account)
        return grouped.keys.sorted().map { ($0, grouped[$0] ?? []) }
    }

    /// Graphviz DOT.
    public func dot() -> String {
        var out = "digraph iamlint {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
        for (index, cluster) in clusters.enumerated() {
            let indent = cluster.account.isEmpty ? "  " : "    "
            if !cluster.account.isEmpty {
                out += "  subgraph cluster_\(index) {\n    label=\(quote(accountTitle(cluster.account)));\n    style=rounded;\n"
            }
            for node in cluster.nodes {
                let shape: String
                switch node.kind {
                case .user: shape = "ellipse"
                case .group: shape = "folder"
                case .role: shape = "box"
                case .accountRoot: shape = "doubleoctagon"
                case .profile: shape = "note"
                case .external: shape = "plaintext"
                }
                var attributes = "label=\(quote(node.isAdmin ? "\(node.label)\n(admin)" : node.label)), shape=\(shape)"
                if node.isAdmin { attributes += ", color=red, penwidth=2" }
                out += "\(indent)\(node.id) [\(attributes)];\n"
            }
            if !cluster.account.isEmpty { out += "  }\n" }
        }
        for edge in edges {
            var attributes: [String] = []
            switch edge.kind {
            case .memberOf: attributes.append("style=dashed, label=\"member of\"")
            case .mayAssume: attributes.append("label=\(quote(edge.label))")
            case .profileAssumes: attributes.append("style=dotted, label=\(quote("profile, \(edge.label)"))")
            }
            if edge.label == "no MFA" { attributes.append("color=red") }
            out += "  \(edge.from) -> \(edge.to) [\(attributes.joined(separator: ", "))];\n"
        }
        return out + "}\n"
    }

    /// Mermaid flowchart.
    public func mermaid() -> String {
        var out = "flowchart LR\n"
        for (index, cluster) in clusters.enumerated() {
            let indent = cluster.account.isEmpty ? "  " : "    "
            if !cluster.account.isEmpty { out += "  subgraph account_\(index) [\(mermaidText(accountTitle(cluster.account)))]\n" }
            for node in cluster.nodes {
                let text = mermaidText(node.isAdmin ? "\(node.label) (admin)" : node.label)
                switch node.kind {
                case .user: out += "\(indent)\(node.id)([\(text)])\n"
                case .group: out += "\(indent)\(node.id)[/\(text)/]\n"
                case .role: out += "\(indent)\(node.id)[\(text)]\n"
                case .accountRoot: out += "\(indent)\(node.id){{\(text)}}\n"
                case .profile: out += "\(indent)\(node.id)>\(text)]\n"
                case .external: out += "\(indent)\(node.id)[\(text)]\n"
                }
            }
            if !cluster.account.isEmpty { out += "  end\n" }
        }
        for edge in edges {
            switch edge.kind {
            case .memberOf: out += "  \(edge.from) -. member of .-> \(edge.to)\n"
            case .mayAssume: out += "  \(edge.from) -- \(mermaidText(edge.label)) --> \(edge.to)\n"
            case .profileAssumes: out += "  \(edge.from) -. \(mermaidText("profile, \(edge.label)")) .-> \(edge.to)\n"
            }
        }
        let admins = nodes.filter(\.isAdmin).map(\.id)
        if !admins.isEmpty {
            out += "  classDef admin stroke:#c00,stroke-width:2px\n  class \(admins.joined(separator: ",")) admin\n"
        }
        return out
    }

    /// JSON, versioned like the findings report.
    public func json() -> String {
        JSONValue.object([
            ("version", .int(1)),
            ("accounts", .array(accountNames.keys.sorted().map { .object([("id", .string($0)), ("name", .string(accountNames[$0] ?? ""))]) })),
            ("nodes", .array(nodes.map { n in
                .object([("id", .string(n.id)), ("kind", .string(n.kind.rawValue)), ("label", .string(n.label)),
                         ("account", .string(n.account)), ("admin", .bool(n.isAdmin)), ("location", .string(n.location))])
            })),
            ("edges", .array(edges.map { e in
                .object([("from", .string(e.from)), ("to", .string(e.to)), ("kind", .string(e.kind.rawValue)), ("label", .string(e.label))])
            })),
        ]).serialized()
    }

    private func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    private func mermaidText(_ s: String) -> String {
        "\"" + s.replacingAll("\"", "#quot;") + "\""
    }
}
