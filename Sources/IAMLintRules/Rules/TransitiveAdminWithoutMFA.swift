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
        let count = kinds.count
        // The MFA-free steps read in place, by position: incoming ones of each role (from roles)
        // and first hops of each user, each chained in step order.
        let steps = graph.assumeSteps()
        var incoming = StepChains(principals: count, steps: steps.count)
        var firstHops = StepChains(principals: count, steps: steps.count)
        var userHops = 0
        for position in steps.indices where !steps[position].requiresMFA {
            let from = steps[position].from
            switch kinds[from] {
            case .role: incoming.append(position, to: steps[position].to)
            case .user:
                firstHops.append(position, to: from)
                userHops += 1
            default: break
            }
        }
        // Every finding starts with a user's MFA-free first hop.
        guard userHops > 0 else { return [] }
        var admin = [Grant?](repeating: nil, count: count)
        var admins: [Int] = []
        for index in kinds.indices where kinds[index] == .role && administrators[index] {
            if let grant = graph.adminGrantWithoutMFA(index, administrators: administrators), !graph.enforcesMFA(index) {
                admin[index] = grant
                admins.append(index)
            }
        }
        // next[r]: the step from r towards its nearest admin role (-1 for none); target[r]: that
        // admin role (-1 when none is reached); dist[r]: hops to it.
        var next = [Int32](repeating: -1, count: count)
        var target = [Int32](repeating: -1, count: count)
        var dist = [Int32](repeating: 0, count: count)
        var queue = graph.sortedByPrecedence(admins)
        for role in queue { target[role] = Int32(role) }
        var head = 0
        while head < queue.count {
            let role = queue[head]
            head += 1
            var position = incoming.first(of: role)
            while position >= 0 {
                let from = steps[position].from
                if target[from] < 0 {
                    target[from] = target[role]
                    dist[from] = dist[role] + 1
                    next[from] = Int32(position)
                    queue.append(from)
                }
                position = incoming.next(after: position)
            }
        }
        var findings: [Finding] = []
        for index in kinds.indices where kinds[index] == .user {
            let start = firstHops.first(of: index)
            guard start >= 0, graph.adminGrantWithoutMFA(index, administrators: administrators) == nil else { continue }
            let user = graph.principals[index]
            var direct = Set<Int>()
            var position = start
            while position >= 0 {
                let to = steps[position].to
                if admin[to] != nil { direct.insert(to) }
                position = firstHops.next(after: position)
            }
            var best: [Int: (first: Int, length: Int)] = [:]
            position = start
            while position >= 0 {
                defer { position = firstHops.next(after: position) }
                let to = steps[position].to
                guard admin[to] == nil, target[to] >= 0 else { continue }
                let goal = Int(target[to])
                guard !direct.contains(goal) else { continue }
                let length = 1 + Int(dist[to])
                if let known = best[goal], known.length <= length { continue }
                best[goal] = (position, length)
            }
            for goal in graph.sortedByPrecedence(best.keys) {
                guard let (first, length) = best[goal] else { continue }
                var path = [first]
                var cursor = steps[first].to
                while path.count < Self.shownHops, next[cursor] >= 0 {
                    let hop = Int(next[cursor])
                    path.append(hop)
                    cursor = steps[hop].to
                }
                let through = path.prefix(length - 1).prefix(Self.namedRoles).map { "role '\(graph.principals[steps[$0].to].displayName)'" }
                var related = path.map { hop in
                    RelatedLocation(
                        location: steps[hop].trustStatement.provenance.location,
                        message: "\(graph.describe(steps[hop].to)) admits \(graph.describe(steps[hop].from)) without MFA")
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

    /// Positions of steps chained by principal in the order they were appended: `first(of:)`,
    /// then `next(after:)` until -1.
    struct StepChains {
        private var head: [Int32]
        private var tail: [Int32]
        private var following: [Int32]

        init(principals: Int, steps: Int) {
            head = [Int32](repeating: -1, count: principals)
            tail = [Int32](repeating: -1, count: principals)
            following = [Int32](repeating: -1, count: steps)
        }

        mutating func append(_ position: Int, to principal: Int) {
            let last = tail[principal]
            if last >= 0 { following[Int(last)] = Int32(position) } else { head[principal] = Int32(position) }
            tail[principal] = Int32(position)
        }

        func first(of principal: Int) -> Int { Int(head[principal]) }
        func next(after position: Int) -> Int { Int(following[position]) }
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
