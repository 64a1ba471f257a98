import IAMLintCore
import IAMLintModel

/// IAM218 (experimental): an identity-policy Allow, on every resource (`*`) and without a
/// condition that scopes it, of actions whose response carries a credential or a secret that
/// opens more than the caller's own rights: passwords, keys and tokens of other users,
/// databases, instances and fleets, and the values of secrets and parameters. IAM's own actions
/// in a statement that allows all of IAM are IAM206's.
public struct CredentialsExposureAction: Rule {
    public static let code = "IAM218"
    public init() {}

    /// The actions, each with why it is here. Started from Cloudsplaining's list of API calls that
    /// return credentials, plus the secret stores; see `rule.yml` for what was left out and why.
    static let exposing: [(action: String, why: String)] = [
        ("iam:CreateServiceSpecificCredential", "returns a CodeCommit or Keyspaces password for any user"),
        ("iam:ResetServiceSpecificCredential", "returns a new service-specific password for any user"),
        ("redshift:GetClusterCredentials", "returns a temporary password for any database user"),
        ("redshift:GetClusterCredentialsWithIAM", "returns a temporary database password"),
        ("redshift-serverless:GetCredentials", "returns a temporary database password"),
        ("secretsmanager:GetSecretValue", "returns the value of any secret"),
        ("ssm:GetParameter", "returns any parameter, SecureStrings decrypted on request"),
        ("ssm:GetParameters", "returns any parameter, SecureStrings decrypted on request"),
        ("ssm:GetParametersByPath", "returns any parameter tree, SecureStrings decrypted on request"),
        ("ssm:GetParameterHistory", "returns past values of any parameter, SecureStrings decrypted on request"),
        ("ec2:GetPasswordData", "returns the Windows administrator password of any instance (encrypted with its key pair)"),
        ("lightsail:GetInstanceAccessDetails", "returns temporary SSH keys or passwords of any instance"),
        ("lightsail:DownloadDefaultKeyPair", "returns the private key of the default key pair"),
        ("lightsail:GetRelationalDatabaseMasterUserPassword", "returns the master password of any database"),
        ("gamelift:GetInstanceAccess", "returns credentials to log in to any fleet instance"),
        ("cognito-identity:GetOpenIdTokenForDeveloperIdentity", "mints OpenID tokens for any identity of a pool"),
        ("codepipeline:PollForJobs", "returns the artifact-store credentials of pipeline jobs"),
        ("mediapackage:RotateChannelCredentials", "returns new ingest credentials of a channel"),
        ("mediapackage:RotateIngestEndpointCredentials", "returns new ingest credentials of a channel"),
    ]

    static let exposingActions = ActionSets.named(exposing.map(\.action))

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // By position: document references and statements are read in place, and copied only
        // for a statement that may expose credentials.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices {
            // The document's unconditional denies, read when a statement first needs them.
            var deniedInDocument: ActionSet?
            let statements = documents[d].document.statements
            for s in statements.indices where ResourceScope.isIdentityAllow(statements[s]) {
                guard ResourceScope.wildcardResource(statements[s]) != nil, !PermissionScope.coversEveryAction(statements[s]),
                      ResourceScope.scopingCondition(statements[s]) == nil
                else { continue }
                let statement = statements[s]
                let all = ActionSets.covered(by: statement)
                guard all.intersects(Self.exposingActions) else { continue }
                let ref = documents[d]
                let denied = deniedInDocument ?? ActionSets.deniedEverywhere(in: [ref.document])
                deniedInDocument = denied
                var found = all.intersection(Self.exposingActions).subtracting(denied)
                if ResourceScope.isWiderGrant(statement, covered: all) { found = found.subtracting(ActionSets.iam) }
                guard !found.isEmpty else { continue }
                let names = ActionSets.names(of: found, in: statement, limit: 3)
                let at = ActionSets.firstPattern(in: statement, meeting: found).map { ActionSets.provenance(of: $0, in: statement) }
                    ?? statement.provenance
                findings.append(context.finding(
                    Message.exposes(policy: ref.label, names: names, count: found.count), at: at, subject: ref.label))
            }
        }
        return findings
    }

    enum Message {
        static func exposes(policy: String, names: [String], count: Int) -> String {
            if count == 1, let only = names.first, let why = CredentialsExposureAction.exposing.first(where: { $0.action.lowercased() == only.lowercased() })?.why {
                return "\(policy) allows \(only) on every resource ('*'), which \(why)"
            }
            let more = count > names.count ? " and \(count - names.count) more" : ""
            return "\(policy) allows actions that return credentials or secrets (\(names.joined(separator: ", "))\(more)) on every resource ('*')"
        }
    }
}
