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
        let hops = graph.assumeHops().filter { !$0.requiresMFA }
        var incoming: [Int: [AssumeHop]] = [:]
        var firstHops: [Int: [AssumeHop]] = [:]
        for hop in hops {
            switch graph.principals[hop.from].kind {
            case .role: incoming[hop.to, default: []].append(hop)
            case .user: firstHops[hop.from, default: []].append(hop)
            default: break
            }
        }
        var admin: [Int: Grant] = [:]
        for (index, p) in graph.principals.enumerated() where p.kind == .role {
            if let grant = graph.adminGrantWithoutMFA(index), !graph.enforcesMFA(index) { admin[index] = grant }
        }
        // next[r]: the hop from r towards its nearest admin role; target[r]: that admin role.
        var next: [Int: AssumeHop] = [:]
        var target: [Int: Int] = [:]
        var queue = admin.keys.sorted(by: graph.precedes)
        for role in queue { target[role] = role }
        var head = 0
        while head < queue.count {
            let role = queue[head]
            head += 1
            for hop in incoming[role] ?? [] where target[hop.from] == nil {
                target[hop.from] = target[role]
                next[hop.from] = hop
                queue.append(hop.from)
            }
        }
        var findings: [Finding] = []
        for (index, user) in graph.principals.enumerated() where user.kind == .user {
            guard let starts = firstHops[index], graph.adminGrantWithoutMFA(index) == nil else { continue }
            let direct = Set(starts.map(\.to).filter { admin[$0] != nil })
            var best: [Int: [AssumeHop]] = [:]
            for first in starts where admin[first.to] == nil {
                guard let goal = target[first.to], !direct.contains(goal) else { continue }
                var path = [first]
                var cursor = first.to
                while let hop = next[cursor] {
                    path.append(hop)
                    cursor = hop.to
                }
                if let known = best[goal], known.count <= path.count { continue }
                best[goal] = path
            }
            for goal in best.keys.sorted(by: graph.precedes) {
                let path = best[goal]!
                let through = path.dropLast().map { "role '\(graph.principals[$0.to].displayName)'" }
                var related = path.map { hop in
                    RelatedLocation(
                        location: hop.trust.provenance.location,
                        message: "\(graph.describe(hop.to)) admits \(graph.describe(hop.from)) without MFA")
                }
                if let grant = admin[goal] {
                    related.append(RelatedLocation(location: grant.provenance.location, message: "administrator access granted here"))
                }
                findings.append(context.finding(
                    Message.reaches(user: user.displayName, admin: graph.principals[goal].displayName, through: through),
                    at: user.provenance, subject: user.displayName, related: related))
            }
        }
        return findings
    }

    enum Message {
        static func reaches(user: String, admin: String, through: [String]) -> String {
            "user '\(user)' reaches admin role '\(admin)' through \(through.joined(separator: ", then ")) without MFA"
        }
    }
}
