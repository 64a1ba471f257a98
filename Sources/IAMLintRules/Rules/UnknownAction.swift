import IAMLintCore
import IAMLintModel

/// IAM216: an identity-policy statement names an action the IAM action catalog does not know: a
/// typo (`s3:GetObjects`), an unknown service, a wildcard that matches nothing, or text that is
/// not `service:action`. In an Allow the grant does nothing; in a Deny, nothing is denied; in a
/// `NotAction`, nothing is spared. Values unknown until deployment are skipped.
public struct UnknownAction: Rule {
    public static let code = "IAM216"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        var verdicts: [String: Verdict?] = [:]
        // The verdict of each text as written, once its lower-cased key has one: a repeated
        // text (nearly all) is answered without a lower-cased copy.
        var verdictsOfText: [String: Verdict?] = [:]
        // By position: document references, statements and action texts are read in place,
        // and copied only for a finding.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices {
            let statements = documents[d].document.statements
            for s in statements.indices {
                let actions = statements[s].actions
                for a in actions.indices where !actions[a].isSymbolic && !actions[a].value.containsUTF8("${") {
                    let verdict: Verdict?
                    if let known = verdictsOfText[actions[a].value] {
                        verdict = known
                    } else {
                        let key = actions[a].value.lowercased()
                        if let known = verdicts[key] {
                            verdict = known
                        } else {
                            verdict = Self.verdict(actions[a].value)
                            verdicts[key] = verdict
                        }
                        verdictsOfText[actions[a].value] = verdict
                    }
                    guard let verdict else { continue }
                    let ref = documents[d]
                    let statement = statements[s]
                    let text = actions[a]
                    let message: String
                    if statement.isNotAction {
                        message = Message.spares(policy: ref.label, action: text.value, verdict: verdict)
                    } else if statement.effect == .deny {
                        message = Message.denies(policy: ref.label, action: text.value, verdict: verdict)
                    } else {
                        message = Message.allows(policy: ref.label, action: text.value, verdict: verdict)
                    }
                    findings.append(context.finding(
                        message, at: ActionSets.provenance(of: text, in: statement), subject: "\(ref.label) \(text.value)"))
                }
            }
        }
        return findings
    }

    /// Why an action is unknown, and the nearest known spelling.
    struct Verdict: Equatable {
        enum Reason: Equatable {
            case malformed
            case unknownService(String)
            case unknownAction
            case matchesNothing
        }

        var reason: Reason
        var suggestion: String?
    }

    /// Nil for a known action or pattern.
    static func verdict(_ action: String) -> Verdict? {
        let catalog = ActionSets.catalog
        guard catalog.isUnknown(action) else { return nil }
        let parts = action.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !parts[0].contains(where: \.isWhitespace), !parts[1].contains(where: \.isWhitespace)
        else { return Verdict(reason: .malformed) }
        let service = String(parts[0])
        let name = String(parts[1])
        let hasWildcard = action.containsUTF8("*") || action.containsUTF8("?")
        if service.containsUTF8("*") || service.containsUTF8("?") {
            return Verdict(reason: .matchesNothing)
        }
        if !catalog.isKnownService(service) {
            let near = nearest(service.lowercased(), among: catalog.servicePrefixes)
            let suggestion = near.flatMap { prefix -> String? in
                if hasWildcard { return "\(prefix):\(name)" }
                return catalog.action("\(prefix):\(name)")?.fullName ?? "\(prefix):\(name)"
            }
            return Verdict(reason: .unknownService(service), suggestion: suggestion)
        }
        if hasWildcard { return Verdict(reason: .matchesNothing) }
        let actions = catalog.actions(ofService: service)
        let near = nearest(name.lowercased(), among: actions.map { $0.name.lowercased() })
        let suggestion = near.flatMap { found in actions.first { $0.name.lowercased() == found }?.fullName }
        return Verdict(reason: .unknownAction, suggestion: suggestion)
    }

    /// The candidate within edit distance 2 (optimal string alignment: insertions, deletions,
    /// substitutions, swaps of neighbours) closest to `word`; the first in `candidates` order
    /// among equals.
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let a = Array(word.utf8)
        var best: (word: String, distance: Int)?
        for candidate in candidates {
            let limit = (best?.distance ?? 3) - 1
            if limit < 1 { break }
            let b = Array(candidate.utf8)
            let d = distance(a, b, limit: limit)
            if d <= limit { best = (candidate, d) }
        }
        return best?.word
    }

    /// Optimal-string-alignment distance, or `limit + 1` once it is known to exceed `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        let n = a.count, m = b.count
        if abs(n - m) > limit { return limit + 1 }
        if n == 0 || m == 0 { return max(n, m) }
        var twoBack = [Int](repeating: 0, count: m + 1)
        var oneBack = Array(0...m)
        var row = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            row[0] = i
            var rowMin = i
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(oneBack[j] + 1, row[j - 1] + 1, oneBack[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, twoBack[j - 2] + 1)
                }
                row[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (twoBack, oneBack, row) = (oneBack, row, twoBack)
        }
        return oneBack[m]
    }

    enum Message {
        static func allows(policy: String, action: String, verdict: Verdict) -> String {
            "\(policy) allows '\(action)', which \(describe(verdict)), so the entry allows nothing\(suggest(verdict))"
        }

        static func denies(policy: String, action: String, verdict: Verdict) -> String {
            "\(policy) denies '\(action)', which \(describe(verdict)), so the entry denies nothing\(suggest(verdict))"
        }

        static func spares(policy: String, action: String, verdict: Verdict) -> String {
            "\(policy) lists '\(action)' in NotAction, which \(describe(verdict)), so the entry spares nothing\(suggest(verdict))"
        }

        static func describe(_ verdict: Verdict) -> String {
            switch verdict.reason {
            case .malformed: return "is not of the form service:action"
            case .unknownService(let service): return "names unknown service '\(service)'"
            case .unknownAction: return "is not a known action"
            case .matchesNothing: return "matches no known action"
            }
        }

        static func suggest(_ verdict: Verdict) -> String {
            verdict.suggestion.map { "; did you mean '\($0)'" } ?? ""
        }
    }
}
