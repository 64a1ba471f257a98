import IAMLintCore
import IAMLintModel

/// IAM115: roles that may assume each other in a cycle (each one's policy allows assuming the next
/// and the next one's trust admits it). A cycle lets a session renew itself indefinitely and hides
/// who started it. Reported once per strongly connected group of roles, at the first role (by
/// name), with the shortest cycle through it.
public struct AssumeRoleCycle: Rule {
    public static let code = "IAM115"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Int: [AssumeHop]] = [:]
        let kinds = graph.principalFacts.kinds
        for hop in graph.assumeHops() where kinds[hop.from] == .role {
            out[hop.from, default: []].append(hop)
        }
        var findings: [Finding] = []
        for component in Self.stronglyConnected(out) where component.count > 1 {
            let members = Set(component)
            guard let start = component.min(by: graph.precedes), let cycle = Self.shortestCycle(from: start, within: members, out: out) else { continue }
            var names = cycle.prefix(Self.namedRoles).map { graph.describe($0.from) }
            if cycle.count > Self.namedRoles { names.append("\(cycle.count - Self.namedRoles) more roles") }
            names.append(graph.describe(start))
            var related: [RelatedLocation] = []
            for hop in cycle.prefix(Self.shownHops) {
                related.append(RelatedLocation(
                    location: hop.assume.provenance.location,
                    message: "\(graph.describe(hop.from)) may assume \(graph.describe(hop.to))"))
                related.append(RelatedLocation(
                    location: hop.trust.provenance.location,
                    message: "\(graph.describe(hop.to)) trusts \(graph.describe(hop.from))"))
            }
            findings.append(context.finding(
                Message.cycle(names), at: cycle[0].assume.provenance,
                subject: graph.principals[start].displayName, related: related))
        }
        return findings
    }

    /// Long cycles are cut short in the message and in the related locations.
    static let namedRoles = 8
    static let shownHops = 12

    /// Tarjan's algorithm without recursion; components in a deterministic order. Nodes are
    /// principal indexes: the algorithm's state is kept in arrays by node, and each node's
    /// targets are read from `out` once.
    static func stronglyConnected(_ out: [Int: [AssumeHop]]) -> [[Int]] {
        let nodes = Set(out.keys).union(out.values.flatMap { $0.map(\.to) }).sorted()
        guard let last = nodes.last, let first = nodes.first, first >= 0 else { return [] }
        var targets = [[Int]](repeating: [], count: last + 1)
        for (node, hops) in out { targets[node] = hops.map(\.to) }
        var index = [Int](repeating: -1, count: last + 1), low = [Int](repeating: -1, count: last + 1)
        var onStack = [Bool](repeating: false, count: last + 1), stack: [Int] = []
        var next = 0
        var components: [[Int]] = []
        for root in nodes where index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = next; low[root] = next; next += 1
            stack.append(root); onStack[root] = true
            while let (node, edge) = work.last {
                if edge < targets[node].count {
                    work[work.count - 1].edge += 1
                    let target = targets[node][edge]
                    if index[target] < 0 {
                        index[target] = next; low[target] = next; next += 1
                        stack.append(target); onStack[target] = true
                        work.append((target, 0))
                    } else if onStack[target] {
                        low[node] = min(low[node], index[target])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node], low[node]) }
                if low[node] == index[node] {
                    var component: [Int] = []
                    while let top = stack.popLast() {
                        onStack[top] = false
                        component.append(top)
                        if top == node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }

    /// The shortest cycle from `start` back to it, as hops, by breadth-first search.
    static func shortestCycle(from start: Int, within members: Set<Int>, out: [Int: [AssumeHop]]) -> [AssumeHop]? {
        var via: [Int: AssumeHop] = [:]
        var queue = [start], head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for hop in out[node] ?? [] where members.contains(hop.to) {
                if hop.to == start {
                    var path = [hop]
                    var cursor = node
                    while cursor != start, let back = via[cursor] {
                        path.append(back)
                        cursor = back.from
                    }
                    return path.reversed()
                }
                if via[hop.to] == nil {
                    via[hop.to] = hop
                    queue.append(hop.to)
                }
            }
        }
        return nil
    }

    enum Message {
        static func cycle(_ names: [String]) -> String {
            "roles may assume each other in a cycle: \(names.joined(separator: " -> "))"
        }
    }
}
