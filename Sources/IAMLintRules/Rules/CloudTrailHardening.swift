import IAMLintCore
import IAMLintModel

/// IAM602: a CloudTrail trail without log file validation, without KMS encryption, limited to one
/// region, or without global service events (where IAM and STS events are recorded). One finding
/// per missing setting: at the setting when it is written as false (or empty) or left out by an
/// `Fn::If` branch, else at the trail.
/// Values unknown until deployment are not guessed; `Fn::If` branches are checked each.
public struct CloudTrailHardening: Rule {
    public static let code = "IAM602"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for item in context.graph.inventory where item.kind == .cloudTrail {
            let trail = TrailView(item: item)
            let name = trail.name
            func report(_ message: String, _ provenance: Provenance) {
                findings.append(context.finding(message, at: provenance, subject: name))
            }

            let validation = trail.falseBranches(.logFileValidation)
            for branch in validation { report(Message.noValidation(name, key: trail.key(.logFileValidation)), branch.provenance) }
            if validation.isEmpty, let at = trail.unsetProvenance(.logFileValidation) {
                report(Message.noValidation(name, key: trail.key(.logFileValidation)), at)
            }

            let kmsKey = trail.key(.kmsKey)
            let emptyKeys = item.propertyBranches(kmsKey).filter {
                if case .string(let s, _) = $0.value { return s.isEmpty }
                return false
            }
            for branch in emptyKeys { report(Message.noEncryption(name, key: kmsKey), branch.provenance) }
            if emptyKeys.isEmpty, let at = trail.unsetProvenance(.kmsKey) { report(Message.noEncryption(name, key: kmsKey), at) }

            let singleRegion = trail.falseBranches(.multiRegion)
            for branch in singleRegion { report(Message.singleRegion(name, key: trail.key(.multiRegion)), branch.provenance) }
            if singleRegion.isEmpty, let at = trail.unsetProvenance(.multiRegion) {
                report(Message.singleRegion(name, key: trail.key(.multiRegion)), at)
            }

            for branch in trail.falseBranches(.globalServiceEvents) {
                report(Message.noGlobalEvents(name, key: trail.key(.globalServiceEvents)), branch.provenance)
            }
        }
        return findings
    }

    enum Message {
        static func noValidation(_ trail: String, key: String) -> String {
            "trail '\(trail)' does not validate its log files (\(key)), so deleted or altered logs go unnoticed"
        }

        static func noEncryption(_ trail: String, key: String) -> String {
            "trail '\(trail)' does not encrypt its log files with a KMS key (\(key))"
        }

        static func singleRegion(_ trail: String, key: String) -> String {
            "trail '\(trail)' records only its own region (\(key)); activity in other regions goes unrecorded"
        }

        static func noGlobalEvents(_ trail: String, key: String) -> String {
            "trail '\(trail)' excludes global service events (\(key)), where IAM and STS activity is recorded"
        }
    }
}
