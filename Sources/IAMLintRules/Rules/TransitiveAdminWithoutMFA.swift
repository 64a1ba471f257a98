import IAMLintCore
import IAMLintModel

/// IAM110: an IAM user (long-term credentials) reaches an administrator-equivalent role through two
/// or more assume-role hops, none of which requires MFA: a leaked access key is an admin key. A
/// single hop is IAM101's. Users that are administrators already are left to IAM201.
///
/// Hops between roles do not depend on who started the chain, so one breadth-first search backwards
/// from the admin roles gives every role its nearest admin role; each user then looks only at its
/// own first hops. Work is linear in the hops.
public struct TransitiveAdminWithoutMFA: Rule {
    public static let code = "IAM110"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let kinds = graph.principalFacts.kinds
        let administrators = graph.administrators
        let hops = graph.assumeHops().filter { !$0.requiresMFA }
        var incoming: [Int: [AssumeHop]] = [:]
        var firstHops: [Int: [AssumeHop]] = [:]
        for hop in hops {
            switch kinds[hop.from] {
            case .role: incoming[hop.to, default: []].append(hop)
            case .user: firstHops[hop.from, default: []].append(hop)
            default: break
            }
        }
        var admin: [Int: Grant] = [:]
        for index in kinds.indices where kinds[index] == .role {
            if let grant = graph.adminGrantWithoutMFA(index, administrators: administrators), !graph.enforcesMFA(index) { admin[index] = grant }
        }
        // next[r]: the hop from r towards its nearest admin role; target[r]: that admin role; dist[r]: hops to it.
        var next: [Int: AssumeHop] = [:]
        var target: [Int: Int] = [:]
        var dist: [Int: Int] = [:]
        var queue = graph.sortedByPrecedence(admin.keys)
        for role in queue {
            target[role] = role
            dist[role] = 0
        }
        var head = 0
        while head < queue.count {
            let role = queue[head]
            head += 1
            for hop in incoming[role] ?? [] where target[hop.from] == nil {
                target[hop.from] = target[role]
                dist[hop.from] = dist[role]! + 1
                next[hop.from] = hop
                queue.append(hop.from)
            }
        }
        var findings: [Finding] = []
        for index in kinds.indices where kinds[index] == .user {
            guard let starts = firstHops[index], graph.adminGrantWithoutMFA(index, administrators: administrators) == nil else { continue }
            let user = graph.principals[index]
            let direct = Set(starts.map(\.to).filter { admin[$0] != nil })
            var best: [Int: (first: AssumeHop, length: Int)] = [:]
            for first in starts where admin[first.to] == nil {
                guard let goal = target[first.to], !direct.contains(goal) else { continue }
                let length = 1 + dist[first.to]!
                if let known = best[goal], known.length <= length { continue }
                best[goal] = (first, length)
            }
            for goal in graph.sortedByPrecedence(best.keys) {
                let (first, length) = best[goal]!
                var path = [first]
                var cursor = first.to
                while path.count < Self.shownHops, let hop = next[cursor] {
                    path.append(hop)
                    cursor = hop.to
                }
                let through = path.prefix(length - 1).prefix(Self.namedRoles).map { "role '\(graph.principals[$0.to].displayName)'" }
                var related = path.map { hop in
                    RelatedLocation(
                        location: hop.trust.provenance.location,
                        message: "\(graph.describe(hop.to)) admits \(graph.describe(hop.from)) without MFA")
                }
                if let grant = admin[goal] {
                    related.append(RelatedLocation(location: grant.provenance.location, message: "administrator access granted here"))
                }
                findings.append(context.finding(
                    Message.reaches(user: user.displayName, admin: graph.principals[goal].displayName, through: through, more: length - 1 - through.count),
                    at: user.provenance, subject: user.displayName, related: related))
            }
        }
        return findings
    }

    /// Long chains are cut short in the message and in the related locations.
    static let namedRoles = 5
    static let shownHops = 12

    enum Message {
        static func reaches(user: String, admin: String, through: [String], more: Int) -> String {
            let rest = more > 0 ? ", then \(more) more role\(more == 1 ? "" : "s")" : ""
            return "user '\(user)' reaches admin role '\(admin)' through \(through.joined(separator: ", then "))\(rest) without MFA"
        }
    }
}
