import IAMLintCore
import IAMLintLoaders
import IAMLintModel
import XCTest

/// The graph keeps every principal's grants in one list (`GrantTable`): each principal's must
/// read as its own list did — from position 0, own policies first, then the standalone policies
/// and attachments that name it, then its groups'.
final class GrantTableTests: XCTestCase {
    private func graph(_ yaml: String, file: String = "t.yaml") throws -> IAMGraph {
        let result = YAMLParser.parse(yaml)
        let root = try XCTUnwrap(result.documents.first, "\(result.diagnostics)")
        return IAMGraph(fragments: [CloudFormationLoader.load(root, file: file)])
    }

    func testEachPrincipalReadsItsOwnGrantsInOrder() throws {
        let graph = try self.graph("""
        Resources:
          A: {Type: AWS::IAM::Group, Properties: {GroupName: a, ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]}}
          B: {Type: AWS::IAM::Group, Properties: {GroupName: b, Policies: [{PolicyName: bi, PolicyDocument: {Statement: []}}]}}
          U: {Type: AWS::IAM::User, Properties: {UserName: u, Groups: [b, a], ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess], Policies: [{PolicyName: ui, PolicyDocument: {Statement: []}}]}}
          N: {Type: AWS::IAM::User, Properties: {UserName: n}}
          MP: {Type: AWS::IAM::ManagedPolicy, Properties: {ManagedPolicyName: mp, PolicyDocument: {Statement: []}, Users: [u], Groups: [a]}}
          R: {Type: AWS::IAM::Role, Properties: {RoleName: r, ManagedPolicyArns: [!Ref MP]}}
        """)
        func index(_ name: String) throws -> Int { try XCTUnwrap(graph.principals.firstIndex { $0.displayName == name }) }
        let (a, b, u, n, r) = (try index("a"), try index("b"), try index("u"), try index("n"), try index("r"))
        XCTAssertEqual(graph.grants.count, graph.principals.count)
        XCTAssertEqual(graph.grants[a].map(\.policyName), ["ReadOnlyAccess", "mp"])
        XCTAssertEqual(graph.grants[b].map(\.policyName), ["bi"])
        // Own inline, own ARN, the policy naming the user, then group b's, then group a's.
        XCTAssertEqual(graph.grants[u].map(\.policyName), ["ui", "AdministratorAccess", "mp", "bi", "ReadOnlyAccess", "mp"])
        XCTAssertEqual(graph.grants[u].map(\.viaGroup), [nil, nil, nil, b, a, a])
        XCTAssertEqual(graph.grants[u][3].label, "inline policy 'bi'")
        XCTAssertEqual(graph.grants[u].indices, 0..<6)
        XCTAssertTrue(graph.grants[n].isEmpty)
        XCTAssertEqual(graph.grants[r].map(\.label), ["policy 'mp'"])
        XCTAssertEqual(graph.grants.reduce(0) { $0 + $1.count }, 2 + 1 + 6 + 0 + 1)
        XCTAssertEqual(graph.grants[u].first { $0.viaGroup == a }?.policyName, "ReadOnlyAccess")
        XCTAssertTrue(graph.grants[u].contains { $0.viaGroup == b })
        XCTAssertFalse(graph.grants[r].contains { $0.viaGroup != nil })
    }

    func testEdgesStaySmall() {
        XCTAssertEqual(MemoryLayout<AssumeEdge>.stride, 16)
        XCTAssertEqual(MemoryLayout<TrustEdge>.stride, 16)
        XCTAssertEqual(MemoryLayout<Index32>.size, 4)
    }

    /// `Index32` reads back what it was given, and an edge's indexes read and write as `Int`s.
    func testIndex32RoundTrips() {
        for value in [0, 1, 65_535, 1_000_000, Int(Int32.max)] {
            XCTAssertEqual(Index32(wrappedValue: value).wrappedValue, value)
        }
        var index = Index32(wrappedValue: 3)
        index.wrappedValue = 99_999
        XCTAssertEqual(index.wrappedValue, 99_999)
    }
}
