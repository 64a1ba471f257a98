@testable import IAMLintCore
@testable import IAMLintLoaders
@testable import IAMLintModel
import XCTest

/// What the parser records of a document as written, now that the document's value is not kept:
/// the grammar issues (IAM217) for the purpose the document is read as, the size (IAM219) and
/// where `NotAction`/`NotResource` are written (IAM205).
final class ParseTimeFactsTests: XCTestCase {
    private let base = Provenance(file: "t.json", logicalPath: "Resources.R.Properties.PolicyDocument", range: .fileStart)

    private func document(_ json: String, purpose: PolicyParser.Purpose) throws -> PolicyDocument {
        let parsed = JSONParser.parse(json)
        let root = try XCTUnwrap(parsed.documents.first)
        return PolicyParser.parse(Value(node: root), provenance: base, purpose: purpose)
    }

    private func problems(_ document: PolicyDocument) -> [String] {
        document.grammarIssues.map { "\($0.problem)" }
    }

    func testIssuesOfTheOtherPurposeAreNotKept() throws {
        let identity = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#
        XCTAssertEqual(problems(try document(identity, purpose: .identity)), [])
        XCTAssertEqual(problems(try document(identity, purpose: .trust)), ["noPrincipal", "resourceInTrust(element: \"Resource\")"])
        let either = try document(identity, purpose: .either)
        XCTAssertEqual(problems(either), ["noPrincipal", "resourceInTrust(element: \"Resource\")"])
        XCTAssertEqual(either.grammarIssues.filter { $0.applies(isTrust: false) }.count, 0)

        let trust = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}}"#
        XCTAssertEqual(problems(try document(trust, purpose: .trust)), [])
        let asIdentity = try document(trust, purpose: .identity)
        XCTAssertEqual(problems(asIdentity), ["principalInIdentityPolicy(element: \"Principal\")", "noResource"])
        let site = try XCTUnwrap(asIdentity.grammarIssues.first?.statement)
        XCTAssertFalse(site.isList)
        XCTAssertEqual(site.name, "1")
    }

    func testIssuesKeepTheStatementAndElementTheyAreAt() throws {
        let json = #"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "A", "Effect": "Permit", "Action": "s3:*", "Resource": "arn:aws:s3", "Condition": {"StringEqual": {"a:b": "c"}}}]}"#
        let doc = try document(json, purpose: .identity)
        XCTAssertEqual(problems(doc).count, 4)
        let duplicate = doc.grammarIssues[0]
        guard case .duplicateSid(let sid, let first) = duplicate.problem else { return XCTFail("\(duplicate.problem)") }
        XCTAssertEqual(sid, "A")
        XCTAssertEqual(first.start.line, 1)
        XCTAssertEqual(duplicate.statement?.index, 1)
        XCTAssertEqual(duplicate.statement?.isList, true)
        XCTAssertEqual(duplicate.statement?.name, "'A'")
        XCTAssertEqual(duplicate.element?.key, "Sid")
        XCTAssertEqual(doc.grammarIssues[1].element?.key, "Effect")
        XCTAssertEqual(doc.grammarIssues[2].element?.key, "Resource")
        XCTAssertEqual(doc.grammarIssues[3].element?.key, "Condition.StringEqual")
    }

    func testJSONTextThatIsNotADocument() {
        let doc = PolicyParser.parse(.string("{not json", .fileStart), provenance: base, purpose: .identity)
        XCTAssertEqual(problems(doc), ["notJSON"])
        XCTAssertNil(PolicyParser.parse(.symbolic("${Policy}", .fileStart), provenance: base).size)
        XCTAssertEqual(problems(PolicyParser.parse(.symbolic("${Policy}", .fileStart), provenance: base)), [])
    }

    func testSizeIsMeasuredOnTheDocumentAsWritten() throws {
        let json = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#
        // As JSON text: every character that is not white space.
        let text = PolicyParser.parse(.string(json, .fileStart), provenance: base, purpose: .identity)
        XCTAssertEqual(text.size, PolicyDocumentSize(count: json.filter { $0 != " " }.count, estimated: false))
        // As a value: serialised as minified JSON, which here is the same text.
        XCTAssertEqual(try document(json, purpose: .identity).size, text.size)
        // No quota rule measures trust policies.
        XCTAssertNil(try document(json, purpose: .trust).size)
        // Escapes count twice, white space and continuation bytes not at all.
        let escaped = Value.list([.string("a \"b\"\\\u{1}\u{E9}\t", .fileStart)], .fileStart)
        XCTAssertEqual(PolicyParser.parse(escaped, provenance: base).size?.count, 2 + 2 + 1 + 2 + 1 + 2 + 2 + 2 + 1)
        let symbolic = Value.map([ValueEntry(key: "Id", keyRange: .fileStart, value: .symbolic("${AWS::AccountId}", .fileStart))], .fileStart)
        XCTAssertEqual(PolicyParser.parse(symbolic, provenance: base).size, PolicyDocumentSize(count: 2 + 4 + 1 + 14, estimated: true))
    }

    func testNegatedElementKeysAreWhereTheKeysAreWritten() throws {
        let json = "{\"Statement\": [{\"Effect\": \"Allow\",\n \"NotAction\": \"iam:*\",\n \"NotResource\": \"arn:aws:s3:::b\"},\n {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"NotAction\": \"x\", \"Resource\": \"*\"}]}"
        let doc = try document(json, purpose: .identity)
        let negated = doc.statements[0]
        XCTAssertTrue(negated.isNotAction)
        XCTAssertEqual(negated.notActionKeyRange?.start.line, 2)
        XCTAssertEqual(negated.notActionKeyRange?.start.column, 2)
        XCTAssertEqual(negated.notResourceKeyRange?.start.line, 3)
        // Action wins over NotAction: the statement is not negated and keeps no key range.
        XCTAssertFalse(doc.statements[1].isNotAction)
        XCTAssertNil(doc.statements[1].notActionKeyRange)
        XCTAssertNil(doc.statements[1].notResourceKeyRange)
        var copy = negated
        copy.sid = "changed"
        XCTAssertEqual(copy.notActionKeyRange, negated.notActionKeyRange)
    }

    func testCloudFormationReadsTrustPoliciesAsTrustAndResourcesUnderOneSharedPath() throws {
        let template = """
        {"Resources": {"Admin": {"Type": "AWS::IAM::Role", "Properties": {
          "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]},
          "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]}}}}
        """
        let root = try XCTUnwrap(JSONParser.parse(template).documents.first)
        let fragment = CloudFormationLoader.load(root, file: "t.json")
        let role = try XCTUnwrap(fragment.principals.first)
        XCTAssertEqual(role.provenance.logicalPath, "Resources.Admin")
        XCTAssertEqual(role.trustPolicy?.grammarIssues.count, 0)
        XCTAssertEqual(role.inlinePolicies.first?.document.grammarIssues.count, 0)
        XCTAssertEqual(role.trustPolicy?.provenance.logicalPath, "Resources.Admin.Properties.AssumeRolePolicyDocument")
        XCTAssertEqual(role.path, "/")
    }

    /// The byte-level fast paths decide as the string forms they stand for.
    func testFastPathsDecideAsTheStringForms() {
        let operators = ["StringEquals", "stringequals", "ForAnyValue:StringLike", "FORALLVALUES:ArnLikeIfExists", "NullIfExists",
                         "Null", "ForAllValues:", "StringEqual", "BoolIfExists", "ifexists", "ForAnyValue:IfExists", "Numericlessthanequals",
                         "ForAllValues:ForAnyValue:StringLike", "Stringequalsİfexists", "DateGreaterThanEqualsIfExists", ""]
        for op in operators {
            var name = op.lowercased()
            for prefix in ["forallvalues:", "foranyvalue:"] where name.hasPrefix(prefix) {
                name = String(name.dropFirst(prefix.count))
                break
            }
            var expected = false
            if name.hasSuffix("ifexists") {
                name = String(name.dropLast("ifexists".count))
                expected = name != "null" && PolicyGrammar.operators.contains(name)
            } else {
                expected = PolicyGrammar.operators.contains(name)
            }
            XCTAssertEqual(PolicyGrammar.isKnownOperator(op), expected, op)
        }
        for key in ["Version", "VERSION", "id", "Id", "Statement", "statements", "Versión", "", "Ref", "ID\u{301}"] {
            XCTAssertEqual(PolicyGrammar.isDocumentElement(key), PolicyGrammar.isElement(key, of: PolicyGrammar.documentElements), key)
        }
        let arns = ["arn:aws:s3:::bucket", "arn:aws:s3", "arn:aws:iam::${AWS::AccountId}:role/x", "arn:${AWS::Partition}:iam::1:root",
                    "arn:aws:iam:${a:b:c}:x", "arn:\u{301}aws:iam::1:root", "arn:aws:iam::1:role/a:b", "arn:", "ar", "arn:a:b:c:d", "arn:a:b:c:"]
        for arn in arns {
            XCTAssertEqual(ARN.isWellFormed(arn), ARN(arn) != nil, arn)
        }
        let admins = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws-cn:iam::aws:policy/AdministratorAccess",
                      "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/job/AdministratorAccess",
                      "arn:aws:iam::123456789012:policy/AdministratorAccess", "arn:aws:iam:us-east-1:aws:policy/AdministratorAccess",
                      "arn:aws:iams::aws:policy/AdministratorAccess", "arn:aws:ia::aws:policy/AdministratorAccess",
                      "arn:\u{301}aws:iam::aws:policy/AdministratorAccess", "arn:aws:\u{301}iam::aws:policy/AdministratorAccess",
                      "arn:aws:iam::aws:xpolicy/AdministratorAccess", "arn:aws:iam:${a:b}:aws:policy/AdministratorAccess",
                      "arn:aws:iam::aws\u{301}:policy/AdministratorAccess", "policy/AdministratorAccess", "arn:aws:iam:aws:policy/AdministratorAccess",
                      "arn:aws:iam::aws:policy/AdministratorAccesS", "arn:aws:iam::aws:policy/AdministratorAccess\u{301}", "arn:aws:iam::aws:"]
        for arn in admins {
            let parsed = ARN(arn)
            let expected = parsed.map { $0.service == "iam" && $0.account == "aws" && $0.resource == "policy/AdministratorAccess" } ?? false
            XCTAssertEqual(ARN.isAdministratorAccess(arn), expected, arn)
        }
        XCTAssertTrue(ARN.isAdministratorAccess(admins[0]))
        XCTAssertTrue(ARN.isAdministratorAccess(admins[2]))
    }
}
