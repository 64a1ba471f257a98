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
        let kinds = graph.principalFacts.kinds
        // The steps are read in place, by position: copying each into a hop would touch every
        // statement of every step.
        let steps = graph.assumeSteps()
        let out = RoleSteps(steps, principals: kinds.count) { kinds[$0] == .role }
        var findings: [Finding] = []
        for component in Self.stronglyConnected(out, steps: steps) where component.count > 1 {
            let members = Set(component)
            guard let start = component.min(by: graph.precedes),
                  let cycle = Self.shortestCycle(from: start, within: members, out: out, steps: steps)?.map({ steps[$0] })
            else { continue }
            var names = cycle.prefix(Self.namedRoles).map { graph.describe($0.from) }
            if cycle.count > Self.namedRoles { names.append("\(cycle.count - Self.namedRoles) more roles") }
            names.append(graph.describe(start))
            var related: [RelatedLocation] = []
            for hop in cycle.prefix(Self.shownHops) {
                related.append(RelatedLocation(
                    location: hop.assumeStatement.provenance.location,
                    message: "\(graph.describe(hop.from)) may assume \(graph.describe(hop.to))"))
                related.append(RelatedLocation(
                    location: hop.trustStatement.provenance.location,
                    message: "\(graph.describe(hop.to)) trusts \(graph.describe(hop.from))"))
            }
            findings.append(context.finding(
                Message.cycle(names), at: cycle[0].assumeStatement.provenance,
                subject: graph.principals[start].displayName, related: related))
        }
        return findings
    }

    /// Long cycles are cut short in the message and in the related locations.
    static let namedRoles = 8
    static let shownHops = 12

    /// The positions of the steps that leave each caller kept (the roles), in step order:
    /// `steps(from:)`.
    struct RoleSteps {
        private var offsets: [Int32]
        private var positions: [Int32]
        /// Whether each principal leaves or is reached by a kept step.
        private(set) var isNode: [Bool]

        init(_ steps: [AssumeStep], principals: Int, keep: (Int) -> Bool) {
            var counts = [Int32](repeating: 0, count: principals + 1)
            isNode = [Bool](repeating: false, count: principals)
            for position in steps.indices where keep(steps[position].from) {
                counts[steps[position].from + 1] += 1
                isNode[steps[position].from] = true
                isNode[steps[position].to] = true
            }
            for p in 0..<principals { counts[p + 1] += counts[p] }
            offsets = counts
            var fill = counts
            positions = [Int32](repeating: 0, count: Int(counts[principals]))
            for position in steps.indices where keep(steps[position].from) {
                let from = steps[position].from
                positions[Int(fill[from])] = Int32(position)
                fill[from] += 1
            }
        }

        /// The positions of the kept steps from `node`, in step order.
        func steps(from node: Int) -> ArraySlice<Int32> {
            positions[Int(offsets[node])..<Int(offsets[node + 1])]
        }
    }

    /// Tarjan's algorithm without recursion; components in a deterministic order (roots by
    /// ascending principal index, targets in step order). The algorithm's state is kept in
    /// arrays by principal.
    static func stronglyConnected(_ out: RoleSteps, steps: [AssumeStep]) -> [[Int]] {
        let count = out.isNode.count
        var index = [Int](repeating: -1, count: count), low = [Int](repeating: -1, count: count)
        var onStack = [Bool](repeating: false, count: count), stack: [Int] = []
        var next = 0
        var components: [[Int]] = []
        for root in 0..<count where out.isNode[root] && index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = next; low[root] = next; next += 1
            stack.append(root); onStack[root] = true
            while let (node, edge) = work.last {
                let targets = out.steps(from: node)
                if edge < targets.count {
                    work[work.count - 1].edge += 1
                    let target = steps[Int(targets[targets.startIndex + edge])].to
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

    /// The shortest cycle from `start` back to it, as step positions, by breadth-first search.
    static func shortestCycle(from start: Int, within members: Set<Int>, out: RoleSteps, steps: [AssumeStep]) -> [Int]? {
        var via: [Int: Int] = [:]
        var queue = [start], head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for position in out.steps(from: node).map(Int.init) where members.contains(steps[position].to) {
                let to = steps[position].to
                if to == start {
                    var path = [position]
                    var cursor = node
                    while cursor != start, let back = via[cursor] {
                        path.append(back)
                        cursor = steps[back].from
                    }
                    return path.reversed()
                }
                if via[to] == nil {
                    via[to] = position
                    queue.append(to)
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
