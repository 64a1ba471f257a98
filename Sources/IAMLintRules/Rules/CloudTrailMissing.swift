import IAMLintCore
import IAMLintModel

/// IAM601: the scanned files set up an organization (`AWS::Organizations::Account`,
/// `aws_organizations_account`) or, with accounts configured in `.iamlint.yml`, define IAM
/// principals, yet none defines a CloudTrail trail that records every region and is logging.
///
/// The whole scan counts as one setup: a qualifying trail in any scanned file satisfies the rule.
/// A scan of templates that neither sets up an organization nor names its accounts is not an
/// account setup, and the rule says nothing. One finding, at the first organization account, else
/// at the first principal; trails that fall short are related locations.
public struct CloudTrailMissing: Rule {
    public static let code = "IAM601"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let trails = graph.inventory.filter { $0.kind == .cloudTrail }.map { TrailView(item: $0) }
        if trails.contains(where: \.mayRecordAllRegions) { return [] }
        let related = trails.map { trail in
            RelatedLocation(location: trail.item.provenance.location, message: trail.mayBeTrue(.logging, default: true)
                ? "trail '\(trail.name)' records only its own region" : "trail '\(trail.name)' is not logging")
        }
        if let account = graph.inventory.first(where: { $0.kind == .organizationAccount }) {
            let name = account.displayName(nameKey: account.isTerraform ? "name" : "AccountName")
            return [context.finding(Message.organization(name), at: account.provenance, subject: name, related: related)]
        }
        guard !graph.accounts.isEmpty,
              let first = graph.principals.indices.first(where: { graph.principals[$0].implicitOrigin == nil && graph.principals[$0].kind != .group })
        else { return [] }
        return [context.finding(
            Message.accounts(graph.describe(first)), at: graph.principals[first].provenance, subject: graph.principals[first].displayName,
            related: related)]
    }

    enum Message {
        static func organization(_ account: String) -> String {
            "organization account '\(account)' is set up, but no scanned file defines a CloudTrail trail that records every region and is logging"
        }

        static func accounts(_ principal: String) -> String {
            "accounts are configured and \(principal) is defined, but no scanned file defines a CloudTrail trail that records every region and is logging"
        }
    }
}
